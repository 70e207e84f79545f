import ConvoyTensor

/// The seeded random number generator that picks training samples: ConvoyTensor's `SplitMix64`
/// with independent streams per seed and a portable bounded draw.
///
/// Its whole state is one `UInt64` (the underlying `SplitMix64`'s), so a checkpoint can store it
/// and a resumed run can check it.
/// `below(_:)` draws with its own rejection rule rather than the standard library's
/// `random(in:using:)`, whose algorithm may change between Swift versions: the same seed gives the
/// same draws on every build.
public struct SampleGenerator: RandomNumberGenerator, Equatable, Sendable {
    /// The generator drawing the bits.
    private var bits: SplitMix64

    /// The generator's entire state.
    public var state: UInt64 { bits.state }

    /// A generator for `seed`; a different `stream` gives an independent sequence from the same seed
    /// (data order, crops and validation windows each take their own stream).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var first = SplitMix64(state: seed)
        var second = SplitMix64(state: first.next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
        bits = SplitMix64(state: second.next())
    }

    /// A generator continuing from `state` (as read back from a checkpoint).
    public init(state: UInt64) {
        bits = SplitMix64(state: state)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        bits.next()
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
