/// How `DepthToSpace` orders the channels it moves into space; the raw values are ONNX's `mode`
/// attribute (opset 11 on; before 11 only `DCR` existed).
public enum DepthToSpaceMode: String, CaseIterable, Sendable {
    /// Depth, column, row: the block offset is the slowest channel index (ONNX's default,
    /// TensorFlow's `depth_to_space`).
    case dcr = "DCR"
    /// Column, row, depth: the output channel is the slowest index (PyTorch's `PixelShuffle`).
    case crd = "CRD"
}
