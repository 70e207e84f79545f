import ConvoyTensor

/// Limits every element to an interval, as ONNX `Clip` (the limits are attributes before opset
/// 11 and optional inputs from 11 on; the importer resolves either to two numbers), elementwise:
///
///     output = min(maximum, max(input, minimum))
///
/// so when `minimum > maximum` every element becomes `maximum`, as ONNX specifies; a NaN input
/// stays NaN. `Clip(minimum: 0, maximum: 6)` is PyTorch's `nn.ReLU6`. The defaults (no limit) are
/// ONNX's `numeric_limits::lowest()` and `max()`. Any shape; output shape equals input shape.
/// `input` and `output` may be the same tensor.
public final class Clip: ElementwiseLayer {
    /// The lower limit.
    public let minimum: Float
    /// The upper limit; it wins over `minimum` when they cross.
    public let maximum: Float

    /// Creates the layer.
    public init(minimum: Float = -.greatestFiniteMagnitude, maximum: Float = .greatestFiniteMagnitude) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The sample clipped to the limits.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        let raised = x < minimum ? minimum : x
        return raised > maximum ? maximum : raised
    }
}
