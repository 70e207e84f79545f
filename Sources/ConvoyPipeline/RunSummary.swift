/// What a run did, for the closing line on stderr and for scripts.
public struct RunSummary: Codable, Equatable, Sendable {
    /// Frames that came out of the decoder.
    public var framesDecoded: Int
    /// Frames that went through the filter.
    public var framesProcessed: Int
    /// Frames handed to the encoder.
    public var framesWritten: Int
    /// Packets the decoder rejected as damaged (skipped, as ffmpeg skips them).
    public var decodeErrors: Int
    /// Packets of audio and other streams copied unchanged.
    public var packetsCopied: Int
    /// True when reading the input failed before its end (a truncated or damaged file); the output
    /// then holds the frames decoded before that point.
    public var inputEndedEarly: Bool
    /// Wall-clock seconds.
    public var seconds: Double

    public var framesPerSecond: Double { seconds > 0 ? Double(framesWritten) / seconds : 0 }
}
