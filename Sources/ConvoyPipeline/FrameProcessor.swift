import ConvoyMedia
import ConvoyNN

/// What the filter stage does to each batch of decoded frames: fixed kernels on planes
/// (`KernelProcessor`) or a learned network whose output is a picture (`ModelProcessor`).
///
/// A processor is prepared once and called batch after batch on the calling thread, the filter
/// stage, and on no other: it holds layers and buffers that need not be `Sendable`.
public protocol FrameProcessor: AnyObject {
    /// The planes decoded frames are converted to before they reach `process`.
    var space: FilterSpace { get }
    /// The size every frame must be scaled to before `process`, and the model that needs it (a
    /// network with a fixed input size, a 224×224 classifier); nil takes frames as they come.
    var fixedInput: (model: String, width: Int, height: Int)? { get }
    /// The size of the pictures `process` returns for frames of `width`×`height`.
    func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int)
    /// Readies buffers and layers for frames laid out as `layout`, in batches of up to `batch`.
    func prepare(layout: [PlanarImage.Plane], batch: Int) throws
    /// Filters a batch; returns the output pictures in order (the same objects when the size is
    /// kept), with the input's timestamps and durations.
    func process(_ images: [PlanarImage], context: ExecutionContext) -> [PlanarImage]
    /// How many frames `process` should be given at a time once prepared for batches of `batch`,
    /// with `workers` threads: fewer than `batch` when batching buys nothing, so fewer frames
    /// wait in memory.
    func framesPerCall(batch: Int, workers: Int) -> Int
}

extension FrameProcessor {
    /// Frames as they come.
    public var fixedInput: (model: String, width: Int, height: Int)? { nil }

    /// The whole batch: im2col + SGEMM runs one GEMM over all of it.
    public func framesPerCall(batch: Int, workers: Int) -> Int { batch }
}
