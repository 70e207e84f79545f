#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// The sigmoid-weighted linear unit (swish with β = 1), as PyTorch's `nn.SiLU`, which
/// `torch.onnx.export` writes as `Mul(x, Sigmoid(x))` (and ONNX opset 22 as `Swish`), elementwise:
///
///     output = input / (1 + exp(-input))        (= input * sigmoid(input))
///
/// One pass instead of a sigmoid and a product; large negative inputs give -0, not NaN. Any
/// shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class SiLU: InPlaceLayer {
    public init() {}

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `input * sigmoid(input)` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "SiLU output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                let x = source[i]
                destination[i] = x / (1 + expf(-x))
            }
        }
    }
}
