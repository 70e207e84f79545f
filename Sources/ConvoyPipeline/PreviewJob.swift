import ConvoyMedia

/// What `convoy preview` draws: a few frames of `input`, before and after `processor`, in one PNG.
public struct PreviewJob {
    /// Where the frames come from: a file, URL, standard input, raw frames or generated ones.
    public var source: FrameInput
    /// The input's name (`-`: standard input); setting it keeps `raw`.
    public var input: String {
        get { source.name }
        set { source.name = newValue }
    }
    /// When the input is headerless raw frames (`--raw`): their size, pixel format and rate.
    public var raw: RawVideoFormat? {
        get { source.raw }
        set { source.raw = newValue }
    }
    public var output: String
    public var processor: FrameProcessor
    /// How many frames, spread evenly over the video.
    public var frames = 4
    /// The width of each picture on the sheet.
    public var cellWidth = 480
    public var overwrite = false
    /// Turn frames upright as the input's display matrix says (ffmpeg's autorotate).
    public var autorotate = true

    public init(input: String, output: String, processor: FrameProcessor) {
        source = FrameInput(input)
        self.output = output
        self.processor = processor
    }
}
