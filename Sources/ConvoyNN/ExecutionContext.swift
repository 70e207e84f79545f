import ConvoyTensor
import Dispatch

/// What layers need to run: the matrix multiplier and the im2col scratch workspace.
///
/// One context per thread that runs a model: the workspace is not thread-safe, and the oneDNN
/// thread count (`OneDNNMatrixMultiplier.setThreadCount(_:)`) is a setting of the calling thread.
public final class ExecutionContext {
    /// The GEMM every convolution uses.
    public let gemm: MatrixMultiplier

    /// Scratch for im2col tiles, shared by all layers run with this context.
    public var workspace: Workspace { workspaces[0] }

    /// One workspace per convolution worker: convolutions share their tiles among this many
    /// threads (see `Convolution.forward(…workspaces:…)`).
    public let workspaces: [Workspace]

    /// What the convolutions of a `Graph` compute in: `.fp32` or `.bf16`, already resolved for this
    /// CPU (`NetworkPrecision.resolved(on:)`). Training ignores it.
    public var precision: NetworkPrecision = .fp32 {
        didSet { precondition(precision != .bf16Only, "Resolve the precision before giving it to a context") }
    }

    /// How a `Graph`'s convolutions run (`TrainableGraph` always uses im2col).
    public var convolutionEngine: ConvolutionEngine = .blocked

    /// Creates a context with a fresh workspace.
    ///
    /// - Parameters:
    ///   - gemm: the matrix multiplier; oneDNN by default.
    ///   - tileColumns: the most output positions per im2col tile (see `Workspace`).
    ///   - threads: worker threads for each convolution (1 runs on the calling thread only).
    public init(gemm: MatrixMultiplier = OneDNNMatrixMultiplier(), tileColumns: Int = 65_536, threads: Int = 1) {
        precondition(threads >= 1, "ExecutionContext needs at least one thread, got \(threads)")
        self.gemm = gemm
        workspaces = (0..<threads).map { _ in Workspace(tileColumns: tileColumns) }
    }

    /// Creates a context around a workspace configured by the caller (for instance with another
    /// `tileFloatBudget`).
    public init(gemm: MatrixMultiplier, workspace: Workspace) {
        self.gemm = gemm
        workspaces = [workspace]
    }
}

extension ExecutionContext {
    /// Work below this many elements runs on the calling thread alone: waking workers costs more.
    static let minimumParallelElements = 1 << 15

    /// Runs `body(task)` for every `task` in `0 ..< tasks`, taken in turn (`TaskQueue`) by up to
    /// `workspaces.count` threads when the whole job touches at least `minimumParallelElements`
    /// elements (`elements`), and on the calling thread otherwise.
    ///
    /// `body` must only write memory that no other task writes.
    func forEachTask(_ tasks: Int, elements: Int, _ body: (Int) -> Void) {
        let workers = min(workspaces.count, tasks)
        if workers <= 1 || elements < ExecutionContext.minimumParallelElements {
            for task in 0..<tasks {
                body(task)
            }
            return
        }
        TaskQueue.run(tasks: tasks, workers: workers) { _, task in body(task) }
    }

    /// Runs `body(range)` over `0 ..< count` cut into contiguous chunks, in parallel as
    /// `forEachTask(_:elements:_:)` does; for elementwise layers.
    func forEachChunk(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunk = 1 << 14
        let chunks = (count + chunk - 1) / chunk
        forEachTask(chunks, elements: count) { index in
            let start = index * chunk
            body(start..<min(start + chunk, count))
        }
    }
}
