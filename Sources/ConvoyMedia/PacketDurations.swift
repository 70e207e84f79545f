/// Gives encoded packets the durations some encoders (libx264 in FFmpeg 5.1) leave at 0.
///
/// Without them a container ends the video at the start of its last frame: mp4's edit list then
/// hides that frame and mkv's last block has no length. A packet's duration is the time to the
/// next frame sent to the encoder (so variable frame rates keep their exact spacing), or, for the
/// last frame, its own duration from the decoder (or one frame period).
struct PacketDurations {
    /// Timestamps of recent frames sent to the encoder, in order, with their own durations.
    private var sent: [(pts: Int64, duration: Int64)] = []
    /// Enough for any encoder's reorder delay and lookahead; older entries are dropped.
    private let window = 512

    /// Notes a frame as it goes to the encoder.
    mutating func sent(pts: Int64, duration: Int64) {
        sent.append((pts, duration))
        if sent.count > 2 * window { sent.removeFirst(sent.count - window) }
    }

    /// The duration for a packet whose presentation time is `pts`.
    func duration(for pts: Int64) -> Int64 {
        guard let index = sent.lastIndex(where: { $0.pts == pts }) else { return 0 }
        if index + 1 < sent.count, sent[index + 1].pts > pts { return sent[index + 1].pts - pts }
        return sent[index].duration
    }
}
