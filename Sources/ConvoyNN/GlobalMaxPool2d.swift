import ConvoyTensor

/// The largest value of each channel over the whole image, as ONNX `GlobalMaxPool` and PyTorch's
/// `nn.AdaptiveMaxPool2d(1)`: input `[batch, channels, height, width]` → output
/// `[batch, channels, 1, 1]` with
///
///     output[n, c, 0, 0] = max_{y, x} input[n, c, y, x]
///
/// A plane that holds a NaN gives NaN, as numpy's `max` and onnxruntime do.
public final class GlobalMaxPool2d: Layer {
    public init() {}

    /// `[batch, channels, 1, 1]`.
    ///
    /// - Precondition: rank 4 with a non-empty plane.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.h >= 1 && input.w >= 1, "GlobalMaxPool2d needs a non-empty [N, C, H, W], got \(input)")
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

    /// Writes each plane's maximum into `output`, which must not share storage with `input`
    /// unless the plane is one sample.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "GlobalMaxPool2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage || input.shape.h * input.shape.w == 1, "GlobalMaxPool2d cannot run in place")
        let plane = input.shape.h * input.shape.w
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * shape.c, elements: input.count) { task in
            let from = source + task * plane
            var largest = from[0]
            for i in 1..<max(plane, 1) {
                let x = from[i]
                if x > largest || x.isNaN {
                    largest = x
                }
            }
            destination[task] = largest
        }
    }
}
