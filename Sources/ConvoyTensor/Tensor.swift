/// A dense, row-major array of `Float`s with a shape, viewing a `TensorStorage`.
///
/// Activations are rank 4, `[batch, channels, height, width]` (NCHW): element `(n, c, h, w)` lives
/// at offset `((n * C + c) * H + h) * W + w`. Convolution weights are rank 4 OIHW,
/// `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
///
/// `Tensor` is a view: copying a `Tensor` value does not copy its elements, and writes through
/// one copy (via `pointer` or the subscript) are seen by every other view of the same storage.
/// The view always starts at the beginning of its storage and uses the first `count` elements.
public struct Tensor: Sendable {
    /// The extent of each axis.
    public let shape: Shape

    /// The buffer holding the elements; its capacity is at least `shape.count`.
    public let storage: TensorStorage

    /// Creates a zero-filled tensor with fresh storage.
    public init(shape: Shape) {
        self.init(shape: shape, storage: TensorStorage(capacity: shape.count))
    }

    /// Creates a tensor with fresh storage holding `values` in row-major order.
    ///
    /// - Precondition: `values.count == shape.count`.
    public init(shape: Shape, values: [Float]) {
        precondition(
            values.count == shape.count,
            "Tensor of shape \(shape) needs \(shape.count) values, got \(values.count)"
        )
        let storage = TensorStorage(capacity: shape.count, zeroed: false)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress {
                storage.pointer.initialize(from: base, count: values.count)
            }
        }
        self.init(shape: shape, storage: storage)
    }

    /// Creates a view of `storage` with the given shape.
    ///
    /// - Precondition: `storage.capacity >= shape.count`.
    public init(shape: Shape, storage: TensorStorage) {
        precondition(
            storage.capacity >= shape.count,
            "Storage of \(storage.capacity) floats cannot hold a tensor of shape \(shape)"
        )
        self.shape = shape
        self.storage = storage
    }

    /// First element, in row-major order.
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }

    /// Number of elements (`shape.count`).
    public var count: Int { shape.count }

    /// The same elements seen with another shape of the same element count; shares storage.
    public func reshaped(_ shape: Shape) -> Tensor {
        precondition(
            shape.count == count,
            "Cannot reshape \(self.shape) (\(count) elements) to \(shape) (\(shape.count) elements)"
        )
        return Tensor(shape: shape, storage: storage)
    }

    /// A tensor of `shape` that reuses this tensor's storage when it is large enough, and has fresh
    /// zero-filled storage otherwise.
    ///
    /// Used to keep one buffer across batches whose size varies (the last batch of a video is
    /// usually smaller). The contents of a reused buffer are whatever was there before.
    public func resized(to shape: Shape) -> Tensor {
        if shape.count <= storage.capacity {
            return Tensor(shape: shape, storage: storage)
        }
        return Tensor(shape: shape)
    }

    /// A copy of the elements in row-major order.
    public var array: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// Element `(n, c, h, w)` of a rank-4 NCHW tensor. Bounds are checked; meant for tests and
    /// small tools, not inner loops.
    public subscript(n n: Int, c c: Int, h h: Int, w w: Int) -> Float {
        get { pointer[offset(n: n, c: c, h: h, w: w)] }
        nonmutating set { pointer[offset(n: n, c: c, h: h, w: w)] = newValue }
    }

    private func offset(n: Int, c: Int, h: Int, w: Int) -> Int {
        precondition(shape.rank == 4, "NCHW subscript needs a rank-4 tensor, got \(shape)")
        let d = shape.dims
        precondition(
            n >= 0 && n < d[0] && c >= 0 && c < d[1] && h >= 0 && h < d[2] && w >= 0 && w < d[3],
            "Index (\(n), \(c), \(h), \(w)) out of range for shape \(shape)"
        )
        return ((n * d[1] + c) * d[2] + h) * d[3] + w
    }
}
