import CFFmpeg

/// Timestamp arithmetic shared by the stages.
enum Timestamps {
    /// `value` in `timeBase` as seconds (0 for a missing timestamp).
    static func seconds(_ value: Int64, _ timeBase: AVRational) -> Double {
        guard value != convoy_nopts_value(), timeBase.den != 0 else { return 0 }
        return Double(value) * Double(timeBase.num) / Double(timeBase.den)
    }
}
