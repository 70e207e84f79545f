/// A small, fast, seedable random number generator (SplitMix64): the same seed gives the same
/// sequence on every machine, so seeded runs (weight initialisation, shuffling, crops) repeat
/// exactly.
///
/// Its whole state is one `UInt64`: reading `state` and later building `SplitMix64(state:)` from it
/// continues the sequence exactly where it stopped (checkpoints rely on this). Two generators are
/// equal when their states are, that is when they will draw the same sequence.
public struct SplitMix64: RandomNumberGenerator, Equatable, Sendable {
    /// The generator's entire state: the counter that each `next()` advances before mixing.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Creates a generator continuing from `state`, as read earlier from another generator's
    /// `state`; its next draw is the one that generator would have made next.
    public init(state: UInt64) {
        self.state = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
