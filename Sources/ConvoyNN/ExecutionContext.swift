import ConvoyTensor

/// What layers need to run: the matrix multiplier and the im2col scratch workspace.
///
/// One context per thread that runs a model: the workspace is not thread-safe, and the oneDNN
/// thread count (`OneDNNMatrixMultiplier.setThreadCount(_:)`) is a setting of the calling thread.
public final class ExecutionContext {
    /// The GEMM every convolution uses.
    public let gemm: MatrixMultiplier

    /// Scratch for im2col tiles, shared by all layers run with this context.
    public let workspace: Workspace

    /// Creates a context with a fresh workspace.
    ///
    /// - Parameters:
    ///   - gemm: the matrix multiplier; oneDNN by default.
    ///   - tileColumns: the most output positions per im2col tile (see `Workspace`).
    public init(gemm: MatrixMultiplier = OneDNNMatrixMultiplier(), tileColumns: Int = 65_536) {
        self.gemm = gemm
        self.workspace = Workspace(tileColumns: tileColumns)
    }

    /// Creates a context around a workspace configured by the caller (for instance with another
    /// `tileFloatBudget`).
    public init(gemm: MatrixMultiplier, workspace: Workspace) {
        self.gemm = gemm
        self.workspace = workspace
    }
}
