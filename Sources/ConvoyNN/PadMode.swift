/// What `Pad2d` writes outside the input, as ONNX `Pad`'s `mode` attribute (and numpy's
/// `np.pad` modes, which ONNX's reference implementation calls).
public enum PadMode: Equatable, Sendable {
    /// Every added element is `value` (ONNX `constant`, with its `constant_value`, default 0).
    case constant(Float)
    /// Mirrored about the edge sample, which is not repeated (ONNX and numpy `reflect`:
    /// `[a b c d]` padded by 2 is `c b [a b c d] c b`); pads longer than the input reflect again.
    case reflect
    /// The edge sample repeated (ONNX `edge`, numpy `edge`).
    case edge
}
