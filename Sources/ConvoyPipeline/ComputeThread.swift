import ConvoyNN
import ConvoyTensor

/// Set-up for the thread that runs the convolutions.
package enum ComputeThread {
    /// A context whose convolutions share their tiles among `threads` workers. oneDNN is kept to
    /// the calling thread: its OpenMP team would spin between Convoy's many small GEMMs.
    package static func makeContext(threads: Int) -> ExecutionContext {
        OneDNNMatrixMultiplier.setThreadCount(1)
        return ExecutionContext(threads: threads)
    }
}
