import ConvoyTensor

/// The piecewise-linear sigmoid, as ONNX `HardSigmoid` (opset 6 on), elementwise:
///
///     output = max(0, min(1, alpha * input + beta))
///
/// ONNX's defaults are `alpha = 0.2`, `beta = 0.5`; `torch.onnx.export` of `nn.Hardsigmoid` writes
/// `alpha = 1/6`, `beta = 0.5` (PyTorch's `relu6(x + 3) / 6`). Any shape; output shape equals
/// input shape. `input` and `output` may be the same tensor. A NaN input gives NaN.
public final class HardSigmoid: ElementwiseLayer {
    /// The slope of the linear part.
    public let alpha: Float
    /// The value at 0.
    public let beta: Float

    /// Creates the layer; the defaults are ONNX's.
    public init(alpha: Float = 0.2, beta: Float = 0.5) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The hard sigmoid of the sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        let v = alpha * x + beta
        return v < 0 ? 0 : (v > 1 ? 1 : v)
    }
}
