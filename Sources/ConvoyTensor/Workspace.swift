/// One reusable scratch buffer for the im2col matrix of a convolution.
///
/// The buffer grows to the largest request and is then reused, so a steady stream of batches
/// allocates nothing. The convolution tiles its im2col matrix into at most `tileColumns` columns,
/// so the buffer never exceeds `rowsPerGroup × tileColumns` floats for any layer.
///
/// Not thread-safe: give each thread that runs convolutions its own workspace.
public final class Workspace {
    /// The most output positions (im2col columns) one tile of a convolution covers.
    public let tileColumns: Int

    private var storage: TensorStorage

    /// The largest `count` ever passed to `floats(_:)`.
    public private(set) var highWaterMark: Int = 0

    /// Creates an empty workspace.
    ///
    /// - Parameter tileColumns: the most im2col columns per tile (at least 1). The default,
    ///   65 536, keeps a 3×3 RGB layer's tile at 7 MB.
    public init(tileColumns: Int = 65_536) {
        precondition(tileColumns >= 1, "Workspace tileColumns must be at least 1, got \(tileColumns)")
        self.tileColumns = tileColumns
        storage = TensorStorage(capacity: 0, zeroed: false)
    }

    /// Floats currently allocated.
    public var capacity: Int { storage.capacity }

    /// Returns room for at least `count` floats, growing the buffer if needed.
    ///
    /// The contents are unspecified. The pointer stays valid until the next call that asks for
    /// more than `capacity` floats, or until the workspace is freed.
    public func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(count >= 0, "Workspace request must be non-negative, got \(count)")
        highWaterMark = max(highWaterMark, count)
        if count > storage.capacity {
            storage = TensorStorage(capacity: count, zeroed: false)
        }
        return storage.pointer
    }
}
