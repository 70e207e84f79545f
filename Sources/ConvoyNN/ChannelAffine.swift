import ConvoyTensor

/// A per-channel scale and shift:
///
///     output[n, c, y, x] = input[n, c, y, x] * scale[c] + shift[c]
///
/// with a one-element `scale` or `shift` shared by every channel. This is ONNX
/// `BatchNormalization` in inference mode when no convolution precedes it to fold it into
/// (`scale = γ / sqrt(var + ε)`, `shift = β - mean * scale`), and `Mul` then `Add` by per-channel
/// constants (`[1, C, 1, 1]` initializers).
///
/// Shapes: input and output `[batch, channels, height, width]`; `scale` and `shift` `[channels]`
/// or `[1]`. `input` and `output` may be the same tensor. The layer keeps (does not copy) the
/// two tensors.
public final class ChannelAffine: InPlaceLayer {
    /// `[channels]` or `[1]`: the factor.
    public let scale: Tensor
    /// `[channels]` or `[1]`: the term added after scaling.
    public let shift: Tensor

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.parameterNotVector` when `scale` or `shift` is not a
    ///   non-empty vector, `.parameterShapeMismatch` when both have more than one element but
    ///   not the same count.
    public init(scale: Tensor, shift: Tensor) throws {
        for (name, tensor) in [("channel affine scale", scale), ("channel affine shift", shift)] {
            guard tensor.shape.rank == 1, tensor.count >= 1 else {
                throw LayerConfigurationError.parameterNotVector(name: name, shape: tensor.shape)
            }
        }
        if scale.count > 1, shift.count > 1, scale.count != shift.count {
            throw LayerConfigurationError.parameterShapeMismatch(name: "channel affine shift", expected: scale.shape, actual: shift.shape)
        }
        self.scale = scale
        self.shift = shift
    }

    /// The channel count the parameters fix, or nil when both are shared (`[1]`).
    public var channels: Int? {
        let count = max(scale.count, shift.count)
        return count > 1 ? count : nil
    }

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4, with `channels` channels when the parameters are per channel.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && (channels == nil || channels == input.c), "ChannelAffine over \(channels ?? 1) channels got \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has another channel count
    /// than per-channel parameters.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        if let channels = channels, input.c != channels {
            throw LayerConfigurationError.inputChannelMismatch(expected: channels, actual: input.c)
        }
        return input
    }

    /// Writes `input * scale + shift` into `output`, channel by channel.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "ChannelAffine output \(output.shape) must match input \(shape)")
        let channels = shape.c
        let plane = shape.h * shape.w
        let (scales, scaleStride) = (scale.pointer, scale.count > 1 ? 1 : 0)
        let (shifts, shiftStride) = (shift.pointer, shift.count > 1 ? 1 : 0)
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * channels, elements: shape.count) { task in
            let c = task % channels
            let a = scales[c * scaleStride]
            let b = shifts[c * shiftStride]
            let from = source + task * plane
            let to = destination + task * plane
            for i in 0..<plane {
                to[i] = from[i] * a + b
            }
        }
    }
}
