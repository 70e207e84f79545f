#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// The logistic function `1 / (1 + exp(-x))` elementwise, as PyTorch's `nn.Sigmoid`; outputs lie
/// in `0 ... 1` (large negative inputs give exactly 0, large positive ones exactly 1).
///
/// Any shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class Sigmoid: InPlaceLayer {
    public init() {}

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `1 / (1 + exp(-input))` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "Sigmoid output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                destination[i] = 1 / (1 + expf(-source[i]))
            }
        }
    }
}
