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
public final class SiLU: ElementwiseLayer {
    public init() {}

    /// `x * sigmoid(x)`.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        x / (1 + expf(-x))
    }
}
