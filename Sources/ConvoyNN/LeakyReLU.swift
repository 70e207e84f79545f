import ConvoyTensor

/// Leaky rectified linear unit, as PyTorch's `nn.LeakyReLU`, elementwise:
///
///     output = input >= 0 ? input : negativeSlope * input
///
/// Any shape; output shape equals input shape. `input` and `output` may be the same tensor.
public final class LeakyReLU: ElementwiseLayer {
    /// The factor applied to negative inputs (PyTorch's `negative_slope`).
    public let negativeSlope: Float

    /// Creates the layer; the default slope is PyTorch's.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
    }

    /// The leaky rectified sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        x >= 0 ? x : x * negativeSlope
    }
}
