import ConvoyTensor

/// The largest value of each channel over the whole image, as ONNX `GlobalMaxPool` and PyTorch's
/// `nn.AdaptiveMaxPool2d(1)`: input `[batch, channels, height, width]` → output
/// `[batch, channels, 1, 1]` with
///
///     output[n, c, 0, 0] = max_{y, x} input[n, c, y, x]
///
/// A plane that holds a NaN gives NaN, as numpy's `max` and onnxruntime do.
public final class GlobalMaxPool2d: GlobalReduction {
    public init() {}

    /// The largest sample of the plane, NaN when it holds one.
    public func reduce(_ plane: UnsafePointer<Float>, count: Int) -> Float {
        var largest = plane[0]
        for i in 1..<count {
            let x = plane[i]
            if x > largest || x.isNaN {
                largest = x
            }
        }
        return largest
    }
}
