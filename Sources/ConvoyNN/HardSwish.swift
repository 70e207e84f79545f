import ConvoyTensor

/// The hard swish of MobileNetV3, as ONNX `HardSwish` (opset 14; `alpha = 1/6`, `beta = 0.5`) and
/// PyTorch's `nn.Hardswish`, elementwise:
///
///     output = input * max(0, min(6, input + 3)) / 6
///
/// which is also what exporters spell out as `x * Clip(x + 3, 0, 6) / 6` or
/// `x * HardSigmoid(x)` with `alpha = 1/6`, `beta = 0.5`: one pass instead of three. Any shape;
/// output shape equals input shape. `input` and `output` may be the same tensor.
public final class HardSwish: ElementwiseLayer {
    public init() {}

    /// The hard swish of the sample.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        let shifted = x + 3
        let gate: Float = shifted < 0 ? 0 : (shifted > 6 ? 6 : shifted)
        return x * gate / 6
    }
}
