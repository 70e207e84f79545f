import ConvoyTensor

/// Rectified linear unit, `max(0, x)` elementwise, as PyTorch's `nn.ReLU`. Any shape; output
/// shape equals input shape. `input` and `output` may be the same tensor.
public final class ReLU: InPlaceLayer {
    public init() {}

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `max(0, input)` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "ReLU output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                destination[i] = max(source[i], 0)
            }
        }
    }
}
