/// How `Resize2d` maps an output index to a position in the input, ONNX `Resize`'s
/// `coordinate_transformation_mode` (opset 11 on; `tf_crop_and_resize` is not supported).
///
/// Per axis, with `x` the output index, `scale` the axis's scale (given, or output length over
/// input length when sizes are given), `lengthIn` and `lengthOut` the input and output lengths:
/// - `halfPixel`: `(x + 0.5) / scale - 0.5` (ONNX's default, PyTorch `align_corners=False`)
/// - `halfPixelSymmetric` (opset 19): `offset + (x + 0.5) / scale - 0.5` with
///   `offset = lengthIn / 2 * (1 - lengthOut / (scale * lengthIn))`
/// - `pytorchHalfPixel`: `lengthOut > 1 ? (x + 0.5) / scale - 0.5 : 0`
/// - `alignCorners`: `lengthOut > 1 ? x * (lengthIn - 1) / (lengthOut - 1) : 0`
/// - `asymmetric`: `x / scale` (ONNX `Upsample` and `Resize` before opset 11)
/// - `tfHalfPixelForNearest` (`tf_half_pixel_for_nn`, Resize-11 only): `(x + 0.5) / scale`
///
/// All in `Float` as onnxruntime computes them, except that `halfPixelSymmetric` adds its offset
/// to `(x + 0.5) / scale - 0.5` worked out in `Double`, as onnxruntime does, so that positions
/// that land on a whole number round the same way.
public enum ResizeCoordinateMode: String, CaseIterable, Sendable {
    case halfPixel = "half_pixel"
    case halfPixelSymmetric = "half_pixel_symmetric"
    case pytorchHalfPixel = "pytorch_half_pixel"
    case alignCorners = "align_corners"
    case asymmetric = "asymmetric"
    case tfHalfPixelForNearest = "tf_half_pixel_for_nn"

    /// The input position output index `x` maps to (see the type's description).
    public func inputPosition(_ x: Int, scale: Float, lengthIn: Int, lengthOut: Int) -> Float {
        let (x, lengthIn, lengthOut) = (Float(x), Float(lengthIn), Float(lengthOut))
        switch self {
        case .halfPixel:
            return (x + 0.5) / scale - 0.5
        case .halfPixelSymmetric:
            let adjustment = lengthOut / (scale * lengthIn)
            let offset = lengthIn / 2 * (1 - adjustment)
            return Float(Double(offset) + (Double(x) + 0.5) / Double(scale) - 0.5)
        case .pytorchHalfPixel:
            return lengthOut > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .alignCorners:
            return lengthOut > 1 ? x * (lengthIn - 1) / (lengthOut - 1) : 0
        case .asymmetric:
            return x / scale
        case .tfHalfPixelForNearest:
            return (x + 0.5) / scale
        }
    }
}
