/// The seeded random number generator that picks training samples (SplitMix64).
///
/// Its whole state is one `UInt64`, so a checkpoint can store it and a resumed run can check it.
/// `below(_:)` draws with its own rejection rule rather than the standard library's
/// `random(in:using:)`, whose algorithm may change between Swift versions: the same seed gives the
/// same draws on every build.
public struct SampleGenerator: RandomNumberGenerator, Equatable, Sendable {
    /// The generator's entire state.
    public private(set) var state: UInt64

    /// A generator for `seed`; a different `stream` gives an independent sequence from the same seed
    /// (data order, crops and validation windows each take their own stream).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var first = SampleGenerator(state: seed)
        var second = SampleGenerator(state: first.next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = second.next()
    }

    /// A generator continuing from `state` (as read back from a checkpoint).
    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0 ..< bound` (`bound` ≥ 1), by rejection of the biased top range.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit   // 2^64 mod bound: the first values that wrap unevenly
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }
}
