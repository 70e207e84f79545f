import CFFmpeg

/// Timestamp arithmetic shared by the stages.
enum Timestamps {
    /// `value` in `timeBase` as seconds (0 for a missing timestamp).
    static func seconds(_ value: Int64, _ timeBase: AVRational) -> Double {
        guard value != convoy_nopts_value(), timeBase.den != 0 else { return 0 }
        return Double(value) * Double(timeBase.num) / Double(timeBase.den)
    }

    /// One frame period at `frameRate` in `timeBase` units (at least 1; 1 when the rate is unknown).
    static func period(frameRate: AVRational?, timeBase: AVRational) -> Int64 {
        guard let rate = frameRate, rate.num > 0, rate.den > 0 else { return 1 }
        return max(1, av_rescale_q(1, AVRational(num: rate.den, den: rate.num), timeBase))
    }
}
