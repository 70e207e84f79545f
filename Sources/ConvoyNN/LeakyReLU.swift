import ConvoyTensor

/// Leaky rectified linear unit, as PyTorch's `nn.LeakyReLU`, elementwise:
///
///     output = input >= 0 ? input : negativeSlope * input
///
/// Any shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class LeakyReLU: InPlaceLayer {
    /// The factor applied to negative inputs (PyTorch's `negative_slope`).
    public let negativeSlope: Float

    /// Creates the layer; the default slope is PyTorch's.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
    }

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes the leaky rectified input into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "LeakyReLU output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        let slope = negativeSlope
        context.forEachChunk(input.count) { range in
            for i in range {
                let x = source[i]
                destination[i] = x >= 0 ? x : x * slope
            }
        }
    }
}
