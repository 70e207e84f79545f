import CFFmpeg

/// An owned `AVPacket`, freed when the wrapper goes away.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    /// The index of the stream the packet belongs to.
    public var streamIndex: Int { Int(pointer.pointee.stream_index) }

    /// The payload's size in bytes.
    public var size: Int { Int(pointer.pointee.size) }

    /// The presentation timestamp in the time base of the stream the packet belongs to (or
    /// `AV_NOPTS_VALUE` when there is none, which `Timestamps.seconds` reads as 0).
    public var pts: Int64 { pointer.pointee.pts }

    /// The decoding timestamp in the stream's time base (`AV_NOPTS_VALUE` when there is none).
    public var dts: Int64 { pointer.pointee.dts }

    /// How long the packet's frame lasts in the stream's time base (0 when unknown).
    public var duration: Int64 { pointer.pointee.duration }

    /// True when the packet starts a picture the decoder can begin at (a keyframe).
    public var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    /// True when the demuxer marks the packet's output for discarding (edit-list pre-roll).
    public var isDiscarded: Bool { pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 }

    /// Drops the packet's payload so the wrapper can be reused.
    public func unref() { av_packet_unref(pointer) }
}

extension Packet {
    /// Moves the packet's timestamps and duration from one time base to another.
    func rescale(from source: AVRational, to target: AVRational) {
        av_packet_rescale_ts(pointer, source, target)
    }
}

extension Packet {
    /// Sets the decoding timestamp (in the packet's time base).
    func setDecodingTime(_ dts: Int64) { pointer.pointee.dts = dts }
}

extension Packet {
    /// Moves the presentation and decoding timestamps (those it has) by `offset`.
    func shift(by offset: Int64) {
        guard offset != 0 else { return }
        let none = convoy_nopts_value()
        if pointer.pointee.pts != none { pointer.pointee.pts += offset }
        if pointer.pointee.dts != none { pointer.pointee.dts += offset }
    }
}
