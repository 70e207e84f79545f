import ConvoyTensor

/// Limits every element to an interval, as ONNX `Clip` (the limits are attributes before opset
/// 11 and optional inputs from 11 on; the importer resolves either to two numbers), elementwise:
///
///     output = min(maximum, max(input, minimum))
///
/// so when `minimum > maximum` every element becomes `maximum`, as ONNX specifies; a NaN input
/// stays NaN. `Clip(minimum: 0, maximum: 6)` is PyTorch's `nn.ReLU6`. The defaults (no limit) are
/// ONNX's `numeric_limits::lowest()` and `max()`. Any shape; output shape equals input shape.
/// `input` and `output` may be the same tensor.
public final class Clip: InPlaceLayer {
    /// The lower limit.
    public let minimum: Float
    /// The upper limit; it wins over `minimum` when they cross.
    public let maximum: Float

    /// Creates the layer.
    public init(minimum: Float = -.greatestFiniteMagnitude, maximum: Float = .greatestFiniteMagnitude) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes the clipped input into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "Clip output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        let (low, high) = (minimum, maximum)
        context.forEachChunk(input.count) { range in
            for i in range {
                let x = source[i]
                let raised = x < low ? low : x
                destination[i] = raised > high ? high : raised
            }
        }
    }
}
