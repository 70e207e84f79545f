/// A description of generated frames (for tests and benchmarks that need pictures, not a file):
/// `count` frames of `width`×`height` at `framesPerSecond`, frame i at time i / rate, each a
/// `pattern` that moves from frame to frame.
public struct SyntheticFrames: Equatable, Sendable, CustomStringConvertible {
    public enum Pattern: Equatable, Sendable {
        /// Diagonal ramps, a different slope in each plane, shifted by each frame.
        case gradient
        /// Squares of `cell` pixels, dark and light, a different phase in each plane.
        case checkerboard(cell: Int)
        /// Uniform noise from SplitMix64 seeded with `seed` (the same frames every run).
        case noise(seed: UInt64)
    }

    public var width: Int
    public var height: Int
    public var count: Int
    public var pattern: Pattern
    public var framesPerSecond: Int32

    public init(width: Int, height: Int, count: Int, pattern: Pattern = .gradient, framesPerSecond: Int32 = 25) {
        precondition(width > 0 && height > 0 && count >= 0 && framesPerSecond > 0, "generated frames need a size, a count and a rate")
        self.width = width
        self.height = height
        self.count = count
        self.pattern = pattern
        self.framesPerSecond = framesPerSecond
    }

    public var description: String { "synthetic \(width)x\(height)" }
}
