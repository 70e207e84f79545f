import ConvoyTensor

/// Flattens each image to a vector, as ONNX `Flatten` with `axis = 1` (PyTorch's
/// `torch.flatten(x, 1)`), kept rank 4 as the graph's tensors are:
///
///     input  [batch, channels, height, width]
///     output [batch, channels * height * width, 1, 1]
///     output[n, (c * height + y) * width + x, 0, 0] = input[n, c, y, x]
///
/// The memory order does not change, so the layer is one copy. `Dense` reads any
/// `[batch, C, H, W]` as flattened already; this layer is for graphs that output the vector.
public final class Flatten: Layer {
    public init() {}

    /// `[batch, channels * height * width, 1, 1]`.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "Flatten input must be rank 4 NCHW, got \(input)")
        return Shape(input.n, input.c * input.h * input.w, 1, 1)
    }

    /// Copies `input` into `output` (nothing to do when they share storage).
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == outputShape(for: input.shape), "Flatten output \(output.shape) must be \(outputShape(for: input.shape))")
        if output.pointer != input.pointer {
            output.pointer.update(from: input.pointer, count: input.count)
        }
    }
}
