import ConvoyTensor

/// Parametric rectified linear unit, as PyTorch's `nn.PReLU`: a leaky ReLU whose negative slope
/// is learned, one per channel or one shared by all channels.
///
///     output[n, c, y, x] = input >= 0 ? input : weight[c] * input     (weight [C])
///     output[n, c, y, x] = input >= 0 ? input : weight[0] * input     (weight [1])
///
/// Shapes: input and output `[batch, channels, height, width]`; weight `[channels]` or `[1]`
/// (PyTorch's `num_parameters`). `input` and `output` may be the same tensor. The layer keeps
/// (does not copy) the weight tensor.
public final class PReLU: InPlaceLayer {
    /// `[channels]` or `[1]`: the slope for negative inputs.
    public let weight: Tensor

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.parameterNotVector` when the weight is not a non-empty
    ///   rank-1 tensor.
    public init(weight: Tensor) throws {
        guard weight.shape.rank == 1, weight.count >= 1 else {
            throw LayerConfigurationError.parameterNotVector(name: "PReLU weight", shape: weight.shape)
        }
        self.weight = weight
    }

    /// True when one slope is shared by every channel (weight `[1]`).
    public var isShared: Bool { weight.count == 1 }

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4, with `weight.count` channels unless the weight is shared.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "PReLU input must be rank 4 NCHW, got \(input)")
        precondition(isShared || input.c == weight.count, "PReLU with \(weight.count) slopes got \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or its channel count does not
    /// match a per-channel weight.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard isShared || input.c == weight.count else {
            throw LayerConfigurationError.inputChannelMismatch(expected: weight.count, actual: input.c)
        }
        return input
    }

    /// Writes the parametric rectified input into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "PReLU output \(output.shape) must match input \(shape)")
        let channels = shape.c
        let plane = shape.h * shape.w
        let slopes = weight.pointer
        let shared = isShared
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * channels, elements: shape.count) { task in
            let slope = slopes[shared ? 0 : task % channels]
            let from = source + task * plane
            let to = destination + task * plane
            for i in 0..<plane {
                let x = from[i]
                to[i] = x >= 0 ? x : x * slope
            }
        }
    }
}
