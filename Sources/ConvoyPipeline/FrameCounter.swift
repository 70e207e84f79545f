import ConvoyMedia

/// Counts the frames of an input's video stream by decoding them all, since containers' counts are
/// often missing or wrong.
public enum FrameCounter {
    /// Decodes `input`'s primary video stream to the end and returns how many frames came out.
    public static func count(_ input: InputFile, threads: Int = 0) throws -> Int {
        let decoder = try VideoDecoder(input: input, threads: threads)
        let packet = Packet()
        var frames = 0
        func drain() throws {
            while case .frame = try decoder.receive() { frames += 1 }
        }
        while try input.read(into: packet) {
            guard packet.streamIndex == input.videoStreamIndex else { continue }
            do { try decoder.send(packet) } catch is FFmpegError {
                // A damaged packet: ffmpeg skips it and so does the count.
            }
            try drain()
        }
        try decoder.send(nil)
        try drain()
        return frames
    }
}
