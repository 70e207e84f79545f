import ConvoyTensor

/// A batch of decoded frames as one tensor, with each frame's time.
public struct FrameBatch {
    /// `[N, C, H, W]`: N frames, C planes (3 for RGB, 1 for luma), rows, columns; samples in 0…1.
    public var tensor: Tensor
    /// Presentation time of each frame in seconds, in batch order.
    public var times: [Double]
}
