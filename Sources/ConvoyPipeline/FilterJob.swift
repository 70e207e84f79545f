import ConvoyMedia
import ConvoyNN
import ConvoyTensor

/// Everything one `convoy filter` or `convoy run` needs: where frames come from and go, which
/// planes are filtered, by what, in batches of how many, and how the result is encoded.
public struct FilterJob {
    /// Input file or URL; `-` reads a container from standard input.
    public var input: String
    /// Output file; `-` writes a streamable container to standard output.
    public var output: String
    /// Container format name (`ffmpeg -muxers`); nil guesses from the output's extension.
    public var format: String?
    /// Replace an existing output (never the input).
    public var overwrite = false
    /// Which planes are filtered.
    public var space: FilterSpace = .rgb
    /// With `space == .luma`: keep chroma or make it neutral grey.
    public var chroma: ChromaMode = .keep
    /// Frames per batch tensor.
    public var batch = 8
    /// Makes the layer that filters one plane group, shaped `[B, 1, H, W]` in and out (each plane
    /// filtered on its own). Called once per plane group.
    public var makeLayer: () throws -> Layer
    public var encoder = EncoderSettings()
    /// Threads for the convolution (GEMM); nil uses every core.
    public var threads: Int?
    public var progress: ProgressMode = .auto

    public init(input: String, output: String, makeLayer: @escaping () throws -> Layer) {
        self.input = input
        self.output = output
        self.makeLayer = makeLayer
    }
}
