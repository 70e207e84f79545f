#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// The hyperbolic tangent elementwise, as PyTorch's `nn.Tanh`; outputs lie in `-1 ... 1`.
///
/// Any shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class Tanh: InPlaceLayer {
    public init() {}

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `tanh(input)` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "Tanh output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                destination[i] = tanhf(source[i])
            }
        }
    }
}
