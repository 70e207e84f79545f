import ConvoyTensor

/// The mean of each channel over the whole image, as PyTorch's `nn.AdaptiveAvgPool2d(1)`:
/// input `[batch, channels, height, width]` → output `[batch, channels, 1, 1]` with
///
///     output[n, c, 0, 0] = Σ_{y, x} input[n, c, y, x] / (height * width)
///
/// (summed in `Double`, so a 1080p plane loses no precision).
public final class GlobalAvgPool2d: Layer {
    public init() {}

    /// `[batch, channels, 1, 1]`.
    ///
    /// - Precondition: rank 4 with a non-empty plane.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.h >= 1 && input.w >= 1, "GlobalAvgPool2d needs a non-empty [N, C, H, W], got \(input)")
        return Shape(input.n, input.c, 1, 1)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has an empty plane.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.h >= 1 && input.w >= 1 else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: 1, kernelWidth: 1)
        }
        return outputShape(for: input)
    }

    /// Writes each plane's mean into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "GlobalAvgPool2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage || input.shape.h * input.shape.w == 1, "GlobalAvgPool2d cannot run in place")
        let plane = input.shape.h * input.shape.w
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * shape.c, elements: input.count) { task in
            let from = source + task * plane
            var sum: Double = 0
            for i in 0..<plane {
                sum += Double(from[i])
            }
            destination[task] = Float(sum / Double(plane))
        }
    }
}
