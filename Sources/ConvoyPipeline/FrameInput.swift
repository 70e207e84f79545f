import ConvoyMedia

/// Where a job's frames come from, before it is opened: a file or URL, `-` for a container on
/// standard input (y4m included), raw frames on standard input (`raw`), an image sequence
/// pattern, a folder of pictures, or generated frames
/// (`generated`, for tests). Every command takes every kind.
public struct FrameInput: Equatable, Sendable {
    /// The path or URL (`-`: standard input), or the generated frames' description; named in
    /// messages.
    public var name: String
    /// When the input is headerless raw frames (`--raw`): their size, pixel format and rate.
    public var raw: RawVideoFormat?
    /// Frames made up instead of decoded (nil for real input).
    public var generated: SyntheticFrames?
    /// The first number of an image sequence pattern (`img%03d.png`; ffmpeg's `-start_number`);
    /// nil: the first of 0…4 that exists.
    public var startNumber: Int?
    /// One segment of a plan (`--plan --segment K`): only its frames are read. Video files only.
    public var segment: SegmentPlan.Segment?

    public init(_ name: String, raw: RawVideoFormat? = nil) {
        self.name = name
        self.raw = raw
    }

    /// True when the frames come from standard input, which can be read only once.
    public var readsStandardInput: Bool { generated == nil && name == "-" }

    /// Generated frames: nothing is read.
    public static func synthetic(_ frames: SyntheticFrames) -> FrameInput {
        var input = FrameInput(frames.description)
        input.generated = frames
        return input
    }

    /// Opens the input for `space` work with `threads` decoder threads (0: FFmpeg decides);
    /// with `autorotate`, pictures are turned upright as the display matrix says; with `strict`,
    /// the first damaged packet or frame is an error.
    ///
    /// - Throws: `ConvoyError` naming the input when it is missing or not a video.
    package func open(space: FilterSpace, threads: Int, autorotate: Bool = true, strict: Bool = false) throws -> FrameSource {
        if let generated { return SyntheticSource(generated, space: space) }
        if segment != nil, raw != nil || name == "-" || PictureFolder.isFolder(name) {
            throw ConvoyError("\(name): segments are cut from a video file; standard input and folders of pictures cannot be planned.",
                              exitCode: ConvoyError.usage)
        }
        if raw == nil, name != "-", PictureFolder.isFolder(name) {
            return try PictureFolderSource(folder: name, space: space, threads: threads, strict: strict)
        }
        return try VideoSource(input: name, space: space, threads: threads, raw: raw, autorotate: autorotate,
                               startNumber: startNumber, strict: strict, segment: segment)
    }
}
