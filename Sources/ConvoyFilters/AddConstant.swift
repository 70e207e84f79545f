import ConvoyNN
import ConvoyTensor

/// Adds one constant to every element: `output = input + value`, for any shape.
///
/// Gradient-magnitude kernels use it for their bias, which comes after the square root and so
/// cannot be a convolution bias. `input` and `output` may be the same tensor.
public final class AddConstant: Layer {
    /// The number added to every element.
    public let value: Float

    /// Creates the layer.
    public init(_ value: Float) {
        self.value = value
    }

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `input + value` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "AddConstant output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        for index in 0..<input.count {
            destination[index] = source[index] + value
        }
    }
}
