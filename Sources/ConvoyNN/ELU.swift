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
public final class ELU: ElementwiseLayer {
    /// The saturation value for large negative inputs is `-alpha`.
    public let alpha: Float

    /// Creates the layer; the default `alpha` is ONNX's and PyTorch's.
    public init(alpha: Float = 1) {
        self.alpha = alpha
    }

    /// The exponential linear unit of the sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        x >= 0 ? x : alpha * expm1f(x)
    }
}
