import ConvoyTensor

/// The tests' deterministic random numbers: ConvoyTensor's SplitMix64, so random test data is the
/// same on every run.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// `count` floats uniform in `-1 ... 1`.
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1...1, using: &self) }
    }
}
