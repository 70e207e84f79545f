import CDNNL

/// Consecutive convolutions (with their activations) and max pools computed by oneDNN's own
/// primitives, the intermediate results kept in the blocked layouts the primitives choose
/// (`nChw16c` and the like: 16 channels of a pixel side by side, one AVX-512 register), with
/// reorders only at the chain's two ends.
///
/// A convolution here is oneDNN's direct convolution (JIT-compiled for the CPU: AVX-512, AVX2),
/// not im2col + SGEMM: for the few output channels of a video network (16–32), a GEMM whose M is
/// the channel count wastes most of its register tile, and im2col copies every input sample
/// `kernelHeight · kernelWidth` times. ReLU, leaky ReLU and PReLU run as post-ops of the
/// convolution before them.
///
/// Precision: `.fp32` computes in Float32 throughout. `.bf16` feeds every convolution bfloat16
/// inputs and weights and accumulates in Float32 (AVX512_BF16's dot products); the intermediate
/// results between layers are bfloat16, the chain's output Float32.
///
/// Shapes: input `[N, C, H, W]` and output `[N, C', H', W']`, both Float32 NCHW in the caller's
/// memory. The chain is built for one input shape, with oneDNN's threads set to `threads` while it
/// builds and runs (oneDNN sizes its blocking for that count). It reads the weights once, when it
/// is built, and keeps references to the bias and slope tensors it reads at run time. One chain
/// must not run on two threads at once.
public final class BlockedChain {
    /// `[N, C, H, W]`.
    public let inputShape: Shape
    /// `[N, C', H', W']`.
    public let outputShape: Shape
    /// What the convolutions compute in.
    public let precision: NetworkPrecision
    /// oneDNN threads while the chain runs.
    public let threads: Int
    let resources: OneDNNResources
    var source: dnnl_memory_t?
    var destination: dnnl_memory_t?
    /// The bias and slope tensors the primitives read when they run.
    var kept: [Tensor] = []
    /// Why the chain could not be built, when it could not.
    var refusal: String?

    /// oneDNN's name for each primitive's implementation, in execution order (reorders
    /// included), for instance `jit:avx512_core` or `jit_bf16:avx512_core_bf16`.
    public var implementations: [String] { resources.implementations }

    /// Builds the chain for `input`.
    ///
    /// - Throws: `BlockedChainError` when oneDNN cannot compute one of the layers quickly (no
    ///   implementation for the layout or precision, or only its reference loops), saying which.
    /// - Precondition: `layers` is not empty, and each layer's input is the one before's output.
    public static func make(layers: [BlockedLayer], input: Shape, precision: NetworkPrecision, threads: Int) throws -> BlockedChain {
        let chain = BlockedChain(layers: layers, input: input, precision: precision, threads: threads)
        if let refusal = chain.refusal { throw BlockedChainError(reason: refusal) }
        return chain
    }

    private init(layers: [BlockedLayer], input: Shape, precision: NetworkPrecision, threads: Int) {
        precondition(!layers.isEmpty, "A BlockedChain needs at least one layer")
        precondition(precision != .bf16Only, "Resolve the precision before building a chain")
        inputShape = input
        self.precision = precision
        self.threads = threads
        resources = OneDNNResources()
        outputShape = BlockedChain.outputShape(of: layers.last!)
        let saved = omp_get_max_threads()
        omp_set_num_threads(Int32(threads))
        defer { omp_set_num_threads(saved) }
        if resources.stream == nil || !build(layers) {
            refusal = refusal ?? "oneDNN could not make a stream or a memory"
        }
    }

    /// Computes the chain on `input` (`inputShape`, Float32 NCHW) into `output` (`outputShape`).
    public func run(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let saved = omp_get_max_threads()
        omp_set_num_threads(Int32(threads))
        defer { omp_set_num_threads(saved) }
        precondition(dnnl_memory_set_data_handle(source, UnsafeMutableRawPointer(mutating: input)) == dnnl_success
            && dnnl_memory_set_data_handle(destination, output) == dnnl_success, "oneDNN refused a buffer")
        resources.execute()
    }

    static func outputShape(of layer: BlockedLayer) -> Shape {
        switch layer {
        case .convolution(let geometry, _, _, _): return geometry.outputShape
        case .maxPool(_, let output, _, _, _, _): return output
        }
    }
}
