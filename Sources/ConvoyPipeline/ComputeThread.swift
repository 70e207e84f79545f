import ConvoyNN
import ConvoyTensor
import ConvoyWeights

/// Set-up for the thread that runs the convolutions.
package enum ComputeThread {
    /// A context whose convolutions share their tiles among `threads` workers. oneDNN is kept to
    /// the calling thread: its OpenMP team would spin between Convoy's many small GEMMs.
    package static func makeContext(threads: Int) -> ExecutionContext {
        OneDNNMatrixMultiplier.setThreadCount(1)
        return ExecutionContext(threads: threads)
    }

    /// What `model`'s convolutions compute in on this CPU (FP32 without a model): its precision
    /// resolved, saying once on stderr when bf16 was asked for and the CPU has no AVX512_BF16.
    ///
    /// - Throws: `ConvoyError` (exit 69) for bf16-only on such a CPU, naming the model.
    package static func precision(of model: LoadedModel?) throws -> NetworkPrecision {
        guard let model else { return .fp32 }
        do {
            let resolved = try model.precision.resolved()
            if let notice = resolved.notice { Log.warning("\(model.name): \(notice)") }
            return resolved.precision
        } catch let error as NetworkPrecisionError {
            throw ConvoyError("\(model.name): \(error).", exitCode: ConvoyError.unavailable)
        }
    }
}
