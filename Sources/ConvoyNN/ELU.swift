#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// Exponential linear unit, as ONNX `Elu` (opset 6 on; `alpha` attribute, default 1) and
/// PyTorch's `nn.ELU`, elementwise:
///
///     output = input >= 0 ? input : alpha * (exp(input) - 1)
///
/// (`exp(x) - 1` computed as `expm1`, exact near 0). Any shape; output shape equals input shape.
/// `input` and `output` may be the same tensor.
public final class ELU: InPlaceLayer {
    /// The saturation value for large negative inputs is `-alpha`.
    public let alpha: Float

    /// Creates the layer; the default `alpha` is ONNX's and PyTorch's.
    public init(alpha: Float = 1) {
        self.alpha = alpha
    }

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes the exponential linear unit of `input` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "ELU output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        let alpha = self.alpha
        context.forEachChunk(input.count) { range in
            for i in range {
                let x = source[i]
                destination[i] = x >= 0 ? x : alpha * expm1f(x)
            }
        }
    }
}
