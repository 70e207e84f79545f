import ConvoyTensor

/// A value the graph computes at run time: the output of a Convoy graph node, seen with its ONNX
/// shape. Batch is axis 0 of both and counts 1 during import.
///
/// A row-major reshape moves no data, so an ONNX `Reshape`, `Flatten`, `Squeeze` or `Unsqueeze`
/// of a run-time value is a view: `dims` changes, `node` and `storage` stay. A layer can read the
/// value when `storage` is `dims` padded with 1s to `[N, C, H, W]` (so `[N, K]` travels as
/// `[N, K, 1, 1]`); other views are read only by the operators that know them (a `Gemm` after a
/// flatten, a `Reshape` closing a pixel or channel shuffle).
struct ONNXRuntimeTensor {
    /// A `Transpose` that only the `Reshape` after it gives meaning to.
    enum Shuffle: Equatable {
        /// `[N, C, r, r, H, W]` transposed to `[N, C, H, r, W, r]`: DepthToSpace in CRD order,
        /// PyTorch's PixelShuffle.
        case depthToSpaceCRD(blockSize: Int)
        /// `[N, r, r, C, H, W]` transposed to `[N, C, H, r, W, r]`: DepthToSpace in DCR order.
        case depthToSpaceDCR(blockSize: Int)
        /// `[N, g, C / g, H, W]` transposed to `[N, C / g, g, H, W]`: ShuffleNet's channel shuffle.
        case channelShuffle(groups: Int)
    }

    /// The Convoy graph node holding the data (`Graph.inputName` for the frames).
    var node: String
    /// That node's output shape, `[1, C, H, W]`.
    var storage: Shape
    /// The ONNX shape, `[1, …]`.
    var dims: [Int]
    /// Whether the spatial sizes follow the frame's (false after global pooling or a head).
    var followsFrame: Bool
    /// A transposed view waiting for its `Reshape`.
    var shuffle: Shuffle? = nil
    /// An ONNX `Pad` of H and W waiting for the convolution that reads it (it becomes that
    /// convolution's padding and border mode); `dims` already count it.
    var pad: PendingPad? = nil

    /// Padding of H and W an ONNX `Pad` asks for.
    struct PendingPad: Equatable {
        var top: Int, left: Int, bottom: Int, right: Int
        /// `.zero` for constant (`value`), `.reflect`, `.replicate` (ONNX `edge`).
        var border: BorderMode
        /// The constant padding value.
        var value: Float
        /// The Pad's output, for the node that pads when no convolution takes it.
        var name: String
    }

    /// `dims` as the `[N, C, H, W]` layers see, or nil when the rank is above 4.
    static func layerShape(_ dims: [Int]) -> Shape? {
        guard (1...4).contains(dims.count) else { return nil }
        return Shape(dims + Array(repeating: 1, count: 4 - dims.count))
    }

    /// Whether a layer can read the value as it is.
    var isLayerReadable: Bool {
        shuffle == nil && pad == nil && Self.layerShape(dims) == storage
    }

    /// The ONNX rank.
    var rank: Int { dims.count }
}
