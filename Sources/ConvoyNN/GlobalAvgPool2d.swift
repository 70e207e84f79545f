import ConvoyTensor

/// The mean of each channel over the whole image, as PyTorch's `nn.AdaptiveAvgPool2d(1)`:
/// input `[batch, channels, height, width]` → output `[batch, channels, 1, 1]` with
///
///     output[n, c, 0, 0] = Σ_{y, x} input[n, c, y, x] / (height * width)
///
/// (summed in `Double`, so a 1080p plane loses no precision).
public final class GlobalAvgPool2d: GlobalReduction {
    public init() {}

    /// The mean of the plane, summed in `Double`.
    public func reduce(_ plane: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Double = 0
        for i in 0..<count {
            sum += Double(plane[i])
        }
        return Float(sum / Double(count))
    }
}
