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
public final class Sigmoid: ElementwiseLayer {
    public init() {}

    /// The logistic function of the sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        1 / (1 + expf(-x))
    }
}
