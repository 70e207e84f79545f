import ConvoyMedia

/// Everything one `convoy filter` or `convoy run` needs: where frames come from and go, what is
/// done to them, in batches of how many, and how the result is encoded.
public struct FilterJob: FrameJob {
    /// Where the frames come from (`input` and `raw` read and set it).
    public var source: FrameInput
    /// Output file; `-` writes a streamable container to standard output.
    public var output: String
    /// Container format name (`ffmpeg -muxers`); nil guesses from the output's extension.
    public var format: String?
    /// For a folder output (`-o dir/`): the pictures' file type (png, jpg, tiff, …); png when nil.
    public var imageFormat: String?
    /// The first number of an image sequence pattern, in the input and the output (ffmpeg's
    /// `-start_number`); nil: found among 0…4 in the input, 1 in the output, as ffmpeg does.
    public var startNumber: Int? {
        get { source.startNumber }
        set { source.startNumber = newValue }
    }
    /// Replace an existing output (never the input).
    public var overwrite = false
    /// What the filter stage does to each batch (fixed kernels or a learned model).
    public var processor: FrameProcessor
    /// Frames per batch tensor.
    public var batch = 8
    public var encoder = EncoderSettings()
    /// Threads for the convolution (and the codecs); nil uses every core for the convolution and
    /// lets FFmpeg choose for the codecs.
    public var threads: Int?
    public var progress: ProgressMode = .auto
    /// Turn frames upright as the input's display matrix says before filtering (ffmpeg's
    /// autorotate); false filters them as stored and copies the display matrix to the output.
    public var autorotate = true
    /// Stop at the first damaged packet or frame instead of skipping or concealing it.
    public var strict = false
    /// One array task of a plan: only its segment is filtered, into its part (`OUT.EXT.parts/K.EXT`,
    /// replaced when it exists), encoded with closed GOPs and without the other streams.
    public var segmentTask: SegmentTask?

    public init(input: String, output: String, processor: FrameProcessor) {
        source = FrameInput(input)
        self.output = output
        self.processor = processor
    }
}
