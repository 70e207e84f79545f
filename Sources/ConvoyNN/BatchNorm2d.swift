import ConvoyTensor

/// Batch normalisation in inference mode, as PyTorch's `nn.BatchNorm2d` after `model.eval()`:
/// each channel is normalised with its running statistics, then scaled and shifted.
///
///     output[n, c, y, x] = (input[n, c, y, x] - runningMean[c]) / sqrt(runningVar[c] + eps)
///                          * weight[c] + bias[c]
///
/// which the layer computes as `input * scale[c] + shift[c]` with `scale` and `shift` worked out
/// once, in `Double`, at `init`.
///
/// Shapes: input and output `[batch, channels, height, width]`; `weight`, `bias`, `runningMean`
/// and `runningVar` all `[channels]` (PyTorch's state-dict names `weight`, `bias`,
/// `running_mean`, `running_var`). `input` and `output` may be the same tensor.
///
/// A batch norm right after a convolution can be folded into it: see `Conv2d.folding(_:)`.
public final class BatchNorm2d: InPlaceLayer {
    /// `[channels]`: γ, the scale applied after normalising.
    public let weight: Tensor
    /// `[channels]`: β, the shift applied after scaling.
    public let bias: Tensor
    /// `[channels]`: the mean each channel is normalised with.
    public let runningMean: Tensor
    /// `[channels]`: the variance each channel is normalised with.
    public let runningVar: Tensor
    /// Added to the variance before the square root.
    public let eps: Float

    /// `weight[c] / sqrt(runningVar[c] + eps)`, per channel.
    let scaleValues: [Double]
    /// `bias[c] - runningMean[c] * scaleValues[c]`, per channel.
    let shiftValues: [Double]
    private let scale: Tensor
    private let shift: Tensor

    /// Creates the layer from its four per-channel tensors (copied into the layer's own scale and
    /// shift; the tensors themselves are kept, not copied).
    ///
    /// - Throws: `LayerConfigurationError.parameterNotVector` when `weight` is not a non-empty
    ///   vector, `.parameterShapeMismatch` when another tensor does not have the weight's shape,
    ///   `.invalidParameter` when a value is not finite or `runningVar + eps` is not positive.
    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, eps: Float = 1e-5) throws {
        guard weight.shape.rank == 1, weight.count >= 1 else {
            throw LayerConfigurationError.parameterNotVector(name: "batch norm weight", shape: weight.shape)
        }
        let named = [("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
        for (name, tensor) in named where tensor.shape != weight.shape {
            throw LayerConfigurationError.parameterShapeMismatch(name: "batch norm \(name)", expected: weight.shape, actual: tensor.shape)
        }
        guard eps.isFinite else {
            throw LayerConfigurationError.invalidParameter(name: "batch norm eps", index: 0, value: eps, requirement: "finite")
        }
        for (name, tensor) in [("weight", weight)] + named {
            if let index = tensor.array.firstIndex(where: { !$0.isFinite }) {
                throw LayerConfigurationError.invalidParameter(
                    name: "batch norm \(name)", index: index, value: tensor.pointer[index], requirement: "finite"
                )
            }
        }
        var scaleValues: [Double] = []
        var shiftValues: [Double] = []
        for c in 0..<weight.count {
            let variance = Double(runningVar.pointer[c]) + Double(eps)
            guard variance > 0 else {
                throw LayerConfigurationError.invalidParameter(
                    name: "batch norm running_var", index: c, value: runningVar.pointer[c], requirement: "such that running_var + eps > 0"
                )
            }
            let scale = Double(weight.pointer[c]) / variance.squareRoot()
            scaleValues.append(scale)
            shiftValues.append(Double(bias.pointer[c]) - Double(runningMean.pointer[c]) * scale)
        }
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.eps = eps
        self.scaleValues = scaleValues
        self.shiftValues = shiftValues
        scale = Tensor(shape: weight.shape, values: scaleValues.map { Float($0) })
        shift = Tensor(shape: weight.shape, values: shiftValues.map { Float($0) })
    }

    /// Channels normalised (`weight.count`).
    public var channels: Int { weight.count }

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4 with `channels` channels.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.c == channels, "BatchNorm2d over \(channels) channels got \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has another channel count.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c == channels else {
            throw LayerConfigurationError.inputChannelMismatch(expected: channels, actual: input.c)
        }
        return input
    }

    /// Writes the normalised input into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "BatchNorm2d output \(output.shape) must match input \(shape)")
        let plane = shape.h * shape.w
        let channels = self.channels
        let scales = scale.pointer
        let shifts = shift.pointer
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * channels, elements: shape.count) { task in
            let a = scales[task % channels]
            let b = shifts[task % channels]
            let from = source + task * plane
            let to = destination + task * plane
            for i in 0..<plane {
                to[i] = from[i] * a + b
            }
        }
    }
}
