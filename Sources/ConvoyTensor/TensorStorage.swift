/// An owned, 64-byte-aligned buffer of `Float`s that a `Tensor` views.
///
/// The buffer is allocated once at `init` and freed in `deinit`; its size never changes.
/// Several tensors (of different shapes) may view the same storage, which is how Convoy reuses
/// buffers from batch to batch. The class does no synchronisation: it is `Sendable` so a buffer
/// can be handed from one thread to another (through a queue), but two threads must not write
/// it, or read it while another writes, at the same time.
// @unchecked Sendable: immutable after init (`capacity` and `pointer` are lets); the samples it points to are ordered by the queues that hand it over.
public final class TensorStorage: @unchecked Sendable {
    /// Alignment of `pointer`, in bytes (one cache line, one AVX-512 register).
    public static let alignment = 64

    /// Number of `Float`s the buffer holds.
    public let capacity: Int

    /// Start of the buffer. Valid for the lifetime of this object.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates room for `capacity` floats.
    ///
    /// - Parameters:
    ///   - capacity: number of floats, at least 0.
    ///   - zeroed: when `true` (the default) every element starts at 0. Pass `false` only for
    ///     scratch memory that is always written before it is read.
    public init(capacity: Int, zeroed: Bool = true) {
        precondition(capacity >= 0, "TensorStorage capacity must be non-negative, got \(capacity)")
        self.capacity = capacity
        let slots = max(capacity, 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: slots * MemoryLayout<Float>.stride,
            alignment: TensorStorage.alignment
        )
        pointer = raw.bindMemory(to: Float.self, capacity: slots)
        if zeroed {
            pointer.initialize(repeating: 0, count: slots)
        }
    }

    deinit {
        pointer.deallocate()
    }
}
