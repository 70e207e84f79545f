import CFFmpeg

/// A video stream's time base and frame rate, as a value: what turns its timestamps into seconds,
/// for any stage, without reaching the reader that decodes it.
public struct StreamClock: Sendable {
    /// Frame timestamps are in this.
    public let timeBase: AVRational
    /// The guessed frame rate, or nil when the stream does not give one.
    public let frameRate: AVRational?

    public init(timeBase: AVRational, frameRate: AVRational?) {
        self.timeBase = timeBase
        self.frameRate = frameRate
    }

    /// `timestamp` (in `timeBase`) in seconds; 0 when missing.
    public func seconds(_ timestamp: Int64?) -> Double {
        Timestamps.seconds(timestamp ?? convoy_nopts_value(), timeBase)
    }

    /// Half a frame period in seconds (1 ms when the rate is unknown): how far apart two
    /// timestamps may be and still name the same moment.
    public var timeTolerance: Double {
        guard let rate = frameRate, rate.num > 0, rate.den > 0 else { return 0.001 }
        return 0.5 * Double(rate.den) / Double(rate.num)
    }
}
