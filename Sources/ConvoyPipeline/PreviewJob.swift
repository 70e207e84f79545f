/// What `convoy preview` draws: a few frames of `input`, before and after `processor`, in one PNG.
public struct PreviewJob: FrameJob {
    /// Where the frames come from (`input` and `raw` read and set it).
    public var source: FrameInput
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
