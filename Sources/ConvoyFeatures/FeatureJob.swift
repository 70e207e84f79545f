import ConvoyNN
import ConvoyPipeline
import ConvoyWeights

/// Everything one `convoy features` run needs.
public struct FeatureJob: FrameJob {
    /// Where the frames come from (`input` and `raw` read and set it).
    public var source: FrameInput
    /// `.npy`, `.safetensors`, or a directory (see `FeatureFormat`).
    public var output: String
    public var format: FeatureFormat
    /// The network, fed `[N, C, H, W]` frames with samples in 0…1 (its first layer normalises).
    public var graph: Graph
    /// 3 for RGB frames, 1 for luma.
    public var inputChannels: Int
    /// The loaded model the graph came from, when there is one: frames are then scaled to its
    /// fixed input size (an ONNX 224×224 classifier), its graph is built for the frame size when
    /// it depends on it, and its `[N, K]` outputs are written as `[frames, K]`.
    public var model: LoadedModel?
    /// Keep one value per channel instead of whole maps.
    public var pool: FeaturePool?
    /// Process every N-th decoded frame only.
    public var every = 1
    /// A video file to render the first output into, as a heatmap over the footage.
    public var visualize: String?
    /// The channel the heatmap shows.
    public var channel = 0
    /// Show a grid of the first 16 channels instead of one channel over the picture.
    public var grid = false
    public var batch = 8
    /// Batches whose activations would exceed this many bytes run in tiles (`TiledForward`).
    public var activationBudget = TiledForward.defaultBudgetBytes
    public var threads: Int?
    public var overwrite = false
    /// Turn frames upright as the input's display matrix says (ffmpeg's autorotate).
    public var autorotate = true
    /// Stop at the first damaged packet or frame, or change of picture size or format, instead of
    /// skipping, concealing or scaling it (`--strict`).
    public var strict = false
    public var progress: ProgressMode = .auto
    /// One array task of a plan: only its segment is processed, into its part
    /// (`OUT.EXT.parts/K.EXT`, replaced when it exists) and the part's record.
    public var segmentTask: SegmentTask?

    public init(input: String, output: String, graph: Graph, inputChannels: Int) {
        source = FrameInput(input)
        self.output = output
        format = FeatureFormat.inferred(from: output)
        self.graph = graph
        self.inputChannels = inputChannels
    }
}
