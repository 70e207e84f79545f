/// How `Upsample` computes the samples between input samples; the raw values are PyTorch's
/// `mode` strings.
public enum UpsampleMode: String, CaseIterable, Sendable {
    /// Each output sample copies the input sample it falls in: `input[oy / scale.y, ox / scale.x]`.
    case nearest
    /// Each output sample interpolates linearly between the two nearest input samples along each
    /// axis (the four nearest in the plane).
    case bilinear
}
