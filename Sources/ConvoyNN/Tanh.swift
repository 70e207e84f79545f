#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// The hyperbolic tangent elementwise, as PyTorch's `nn.Tanh`; outputs lie in `-1 ... 1`.
///
/// Any shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class Tanh: ElementwiseLayer {
    public init() {}

    /// The hyperbolic tangent of the sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        tanhf(x)
    }
}
