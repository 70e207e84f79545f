import ConvoyMedia

/// Where a job's frames come from, opened: a decoded video (`VideoSource`: a file, a URL, a
/// container or raw frames on standard input, image sequences), a folder of pictures
/// (`PictureFolderSource`) or generated frames (`SyntheticSource`). Every
/// runner takes its pictures from one, through `FrameFeed`, so every command reads every kind of
/// input.
///
/// Sources are `Sendable`: the decode stage runs one on its own thread while the other stages read
/// what does not change during a run (name, size, times); each source says how it is safe.
package protocol FrameSource: AnyObject, Sendable {
    /// The input's name, for messages.
    var name: String { get }
    /// The size of the pictures it gives (after any turn and any scaling).
    var width: Int { get }
    var height: Int { get }
    /// What the runner sets before `run`: the size pictures are scaled to and their image pool.
    var settings: SourceSettings { get }
    /// The length of the input in seconds, when known (for progress).
    var duration: Double? { get }
    /// How many frames the input says it holds (0 when it does not say).
    var declaredFrameCount: Int { get }

    /// A blank image in the working format: the plane layout every picture has.
    func makeImage() -> PlanarImage
    /// A picture's timestamp (in the source's time base) in seconds; 0 when it has none.
    func seconds(_ timestamp: Int64?) -> Double
    /// Half a frame period in seconds (1 ms when the rate is unknown): how far apart two
    /// timestamps may be and still name the same moment.
    var timeTolerance: Double { get }
    /// Pushes every `every`-th picture into `queue` (waiting while it is full) until the end of
    /// the input or until the queue is cancelled, then closes the queue. Packets of other streams
    /// go to `copyPacket`, if given.
    func run(into queue: BoundedQueue<PlanarImage>, every: Int, counts: StageCounters,
             copyPacket: ((Packet) throws -> Void)?) throws

    /// What an encoder of `width`×`height` pictures made from these should be told
    /// (`keepingDepth`: a deep source's pixel format too, so the output stays deep).
    func picture(width: Int, height: Int, keepingDepth: Bool) -> VideoEncoder.Picture
    /// Lends `body` the demuxed input, whose other streams and metadata an output copies (nil for
    /// generated frames and folders); called before the run.
    func withContainer<T>(_ body: (InputFile?) throws -> T) rethrows -> T
    /// The display matrix the output should carry: the source's when it is not applied (nil
    /// otherwise, and for generated frames).
    var passedDisplayMatrix: [Int32]? { get }
    /// The pixel format and colours the input is stored in.
    var sourcePixelFormat: WorkingFormat.Format { get }
    var color: ColorProperties { get }
    /// The files the pictures came from, by picture index, when the input is a folder or an image
    /// sequence (folder outputs and feature indexes name pictures after them); else empty.
    var sourcePaths: [String] { get }
}

extension FrameSource {
    /// A size every picture is scaled to before it is queued (a model with a fixed input size),
    /// or nil to give them as they come. Set before `run`.
    package var scaledSize: (width: Int, height: Int)? {
        get { settings.scaledSize }
        set { settings.scaledSize = newValue }
    }

    /// Where pictures' images come from when the consumer hands them back; nil allocates each.
    package var pool: ImagePool? {
        get { settings.pool }
        set { settings.pool = newValue }
    }

    /// Scales every picture to the size `fixed` gives when the pictures have another size (a
    /// model with a fixed input size), saying so once on stderr; nil changes nothing.
    package func scale(for fixed: (model: String, width: Int, height: Int)?, input: String) {
        guard let fixed, (fixed.width, fixed.height) != (width, height) else { return }
        Log.info("\(fixed.model) takes \(fixed.width)×\(fixed.height) frames: the \(width)×\(height) frames of \(input) are scaled to it.")
        scaledSize = (fixed.width, fixed.height)
    }
}
