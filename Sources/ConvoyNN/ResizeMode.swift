/// How `Resize2d` computes an output sample from the input; the raw values are ONNX `Resize`'s
/// `mode` attribute (`cubic` is not supported).
public enum ResizeMode: String, CaseIterable, Sendable {
    /// The input sample nearest to the mapped position, rounded by a `ResizeNearestMode`.
    case nearest
    /// Linear interpolation between the two nearest samples along each axis (bilinear in the
    /// plane), positions outside the input clamped to its edge.
    case linear
}
