/// A `(y, x)` pair of a 2-D setting (kernel, stride, padding, dilation, scale): `y` along the
/// height, `x` along the width. A model file writes it as one integer for both axes, or as
/// `[y, x]`, as PyTorch accepts `3` or `(3, 5)`.
public struct SpatialPair: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Along the height (rows).
    public var y: Int
    /// Along the width (columns).
    public var x: Int

    /// A pair with its own value per axis.
    public init(y: Int, x: Int) {
        self.y = y
        self.x = x
    }

    /// The same value on both axes.
    public init(_ both: Int) {
        self.init(y: both, x: both)
    }

    /// The pair as the tuple ConvoyNN's layers take.
    public var tuple: (y: Int, x: Int) { (y, x) }

    /// `3` when both axes agree, else `[y, x]`.
    public var description: String {
        y == x ? "\(y)" : "[\(y), \(x)]"
    }
}
