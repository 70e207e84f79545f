import ConvoyTensor

/// Rectified linear unit, `max(0, x)` elementwise, as PyTorch's `nn.ReLU`. Any shape; output
/// shape equals input shape. `input` and `output` may be the same tensor.
public final class ReLU: ElementwiseLayer {
    public init() {}

    /// The rectified sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        max(x, 0)
    }
}
