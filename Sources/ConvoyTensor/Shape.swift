/// The extent of a tensor along each axis, outermost axis first.
///
/// Activations in Convoy are rank 4 and laid out NCHW: `[batch, channels, height, width]`, with
/// `width` varying fastest in memory. Convolution weights are rank 4 OIHW:
/// `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`, as in PyTorch.
public struct Shape: Equatable, Hashable, CustomStringConvertible, Sendable {
    /// The size of each axis, outermost first. Every entry is non-negative.
    public var dims: [Int]

    /// Creates a shape from its axis sizes, outermost first: `Shape(8, 3, 1080, 1920)`.
    public init(_ dims: Int...) {
        self.init(dims)
    }

    /// Creates a shape from an array of axis sizes, outermost first.
    public init(_ dims: [Int]) {
        precondition(dims.allSatisfy { $0 >= 0 }, "Shape dimensions must be non-negative, got \(dims)")
        self.dims = dims
    }

    /// The number of axes.
    public var rank: Int { dims.count }

    /// The number of elements: the product of all axis sizes (1 for a rank-0 shape).
    public var count: Int { dims.reduce(1, *) }

    /// The size of axis `i` (0 is the outermost axis).
    public subscript(i: Int) -> Int {
        precondition(i >= 0 && i < dims.count, "Axis \(i) out of range for shape \(self)")
        return dims[i]
    }

    /// Batch size of a rank-4 NCHW shape (axis 0).
    public var n: Int { nchwAxis(0) }
    /// Channel count of a rank-4 NCHW shape (axis 1).
    public var c: Int { nchwAxis(1) }
    /// Height of a rank-4 NCHW shape (axis 2).
    public var h: Int { nchwAxis(2) }
    /// Width of a rank-4 NCHW shape (axis 3).
    public var w: Int { nchwAxis(3) }

    /// The axis sizes in brackets, e.g. `[8, 3, 1080, 1920]`.
    public var description: String {
        "[" + dims.map(String.init).joined(separator: ", ") + "]"
    }

    private func nchwAxis(_ axis: Int) -> Int {
        precondition(dims.count == 4, "NCHW accessors need a rank-4 shape, got \(self)")
        return dims[axis]
    }
}
