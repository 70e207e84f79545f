import ConvoyTensor

/// A fully connected layer, as ONNX `Gemm` with `transA = 0` on a flattened input (and `MatMul`
/// by a constant), PyTorch's `nn.Linear`:
///
///     output[n, o, 0, 0] = alpha * Σ_k input[n, k] * weight[o, k] + beta * bias[o]
///
/// where `input[n, k]` is image `n` flattened in memory order (`k = (c * H + y) * W + x`, ONNX
/// `Flatten` with `axis = 1`, so a `Flatten` before the layer costs nothing).
///
/// Shapes:
/// - input:  `[batch, C, H, W]` with `C * H * W = inFeatures` (a `[batch, K]` tensor travels as
///   `[batch, K, 1, 1]`)
/// - weight: `[outFeatures, inFeatures]` (PyTorch's `Linear.weight`, ONNX `Gemm`'s `B` with
///   `transB = 1`; the importer transposes a `transB = 0` or `MatMul` weight once at load)
/// - bias:   `[outFeatures]` or `[1]` (ONNX `Gemm`'s `C` broadcast along the batch), or nil
/// - output: `[batch, outFeatures, 1, 1]`
///
/// Computed as one GEMM on the context's matrix multiplier: `C[batch × outFeatures] =
/// alpha · A[batch × inFeatures] · Bᵀ`, A the input row-major (`lda = inFeatures`), B the weight
/// row-major `[outFeatures × inFeatures]` used transposed (`ldb = inFeatures`), C the output
/// (`ldc = outFeatures`); then `beta * bias` is added to each row. The layer keeps (does not
/// copy) the weight and bias tensors.
public final class Dense: Layer {
    /// `[outFeatures, inFeatures]`.
    public let weight: Tensor
    /// `[outFeatures]` or `[1]`, or nil.
    public let bias: Tensor?
    /// The factor on the product (ONNX `Gemm`'s `alpha`, default 1).
    public let alpha: Float
    /// The factor on the bias (ONNX `Gemm`'s `beta`, default 1).
    public let beta: Float

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.weightNotRank2` when the weight is not a non-empty
    ///   rank-2 tensor, `.biasShapeMismatch` when the bias is not `[outFeatures]` or
    ///   `[1]`.
    public init(weight: Tensor, bias: Tensor?, alpha: Float = 1, beta: Float = 1) throws {
        guard weight.shape.rank == 2, weight.count >= 1 else {
            throw LayerConfigurationError.weightNotRank2(weight.shape)
        }
        if let bias = bias, bias.shape != Shape(weight.shape[0]), bias.shape != Shape(1) {
            throw LayerConfigurationError.biasShapeMismatch(expected: Shape(weight.shape[0]), actual: bias.shape)
        }
        self.weight = weight
        self.bias = bias
        self.alpha = alpha
        self.beta = beta
    }

    /// Output features (`weight.shape[0]`).
    public var outFeatures: Int { weight.shape[0] }
    /// Input features (`weight.shape[1]`).
    public var inFeatures: Int { weight.shape[1] }

    /// `[batch, outFeatures, 1, 1]`.
    ///
    /// - Precondition: rank 4 with `C * H * W = inFeatures`.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.c * input.h * input.w == inFeatures, "Dense over \(inFeatures) features got \(input)")
        return Shape(input.n, outFeatures, 1, 1)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or does not hold
    /// `inFeatures` values per image.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c * input.h * input.w == inFeatures else {
            throw LayerConfigurationError.inputChannelMismatch(expected: inFeatures, actual: input.c * input.h * input.w)
        }
        return outputShape(for: input)
    }

    /// Computes the layer into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "Dense output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "Dense cannot run in place")
        let (batch, k, m) = (shape.n, inFeatures, outFeatures)
        guard batch > 0 else { return }
        // Row-major: A [batch × k] input, B [m × k] weight used transposed, C [batch × m] output.
        context.gemm.multiply(transposeA: false, transposeB: true, m: batch, n: m, k: k, alpha: alpha,
                              a: input.pointer, lda: k, b: weight.pointer, ldb: k, beta: 0, c: output.pointer, ldc: m)
        guard let bias = bias else { return }
        let shared = bias.count == 1
        let terms = bias.pointer
        let destination = output.pointer
        for n in 0..<batch {
            for o in 0..<m {
                destination[n * m + o] += beta * terms[shared ? 0 : o]
            }
        }
    }
}
