/// The output size of `Resize2d`: ONNX `Resize`'s `scales` or `sizes` input (or `Upsample`'s
/// `scales`), on the height and width axes (the batch and channel scales must be 1).
public enum ResizeTarget: Equatable, Sendable {
    /// `outputHeight = floor(height * y)`, `outputWidth = floor(width * x)` (products in `Float`,
    /// as onnxruntime computes them); the coordinate mapping uses `y` and `x` themselves.
    case scales(y: Float, x: Float)
    /// A fixed output size; the coordinate mapping uses `height / inputHeight` and
    /// `width / inputWidth`.
    case sizes(height: Int, width: Int)
}
