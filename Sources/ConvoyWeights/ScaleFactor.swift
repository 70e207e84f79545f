/// A positive rational number `numerator / denominator` in lowest terms: how many samples of a
/// tensor there are per input pixel along one axis.
///
/// A stride or a pooling window divides it, an upsampling or a pixel shuffle multiplies it:
/// after a 2×2 max pool it is `1/2`, after a further `upsample: 3` it is `3/2`.
public struct ScaleFactor: Hashable, Sendable, CustomStringConvertible {
    /// Samples per `denominator` input pixels; at least 1.
    public let numerator: Int
    /// Input pixels per `numerator` samples; at least 1, and coprime with `numerator`.
    public let denominator: Int

    /// One sample per input pixel.
    public static let one = ScaleFactor(1, 1)

    /// `numerator / denominator`, reduced.
    ///
    /// - Precondition: both are at least 1.
    public init(_ numerator: Int, _ denominator: Int) {
        precondition(numerator >= 1 && denominator >= 1, "ScaleFactor needs positive terms, got \(numerator)/\(denominator)")
        let divisor = ScaleFactor.gcd(numerator, denominator)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    /// `2`, `1/2` or `3/2`.
    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    /// This scale times `factor` (an upsampling), or nil if a term overflows.
    func multiplied(by factor: Int) -> ScaleFactor? {
        let divisor = ScaleFactor.gcd(factor, denominator)
        let (product, overflow) = numerator.multipliedReportingOverflow(by: factor / divisor)
        return overflow ? nil : ScaleFactor(product, denominator / divisor)
    }

    /// This scale divided by `factor` (a stride), or nil if a term overflows.
    func divided(by factor: Int) -> ScaleFactor? {
        let divisor = ScaleFactor.gcd(factor, numerator)
        let (product, overflow) = denominator.multipliedReportingOverflow(by: factor / divisor)
        return overflow ? nil : ScaleFactor(numerator / divisor, product)
    }

    /// The index in this tensor of input pixel `pixel`: `pixel * numerator / denominator`.
    ///
    /// - Precondition: `pixel` is a multiple of `denominator` (tile starts are, by alignment).
    public func samples(atPixel pixel: Int) -> Int {
        precondition(pixel % denominator == 0, "Pixel \(pixel) is not on the grid of a \(self) tensor")
        return pixel / denominator * numerator
    }

    /// Greatest common divisor of two non-negative numbers (`gcd(0, b) == b`).
    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 {
            (a, b) = (b, a % b)
        }
        return a
    }

    /// Least common multiple of two positive numbers, or nil if it overflows.
    static func lcm(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = (a / gcd(a, b)).multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }
}
