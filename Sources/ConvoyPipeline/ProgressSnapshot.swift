/// One progress report, as written in `--progress json` lines.
public struct ProgressSnapshot: Codable, Equatable, Sendable {
    /// Frames written so far.
    public var frames: Int
    /// Frames per second since the start.
    public var fps: Double
    /// Presentation time of the last frame written, in seconds.
    public var outTime: Double
    /// Seconds since the run started.
    public var elapsed: Double
    /// Estimated seconds left, when the input's duration is known.
    public var eta: Double?
    /// `continue`, or `end` for the last report.
    public var progress: String

    public init(frames: Int, fps: Double, outTime: Double, elapsed: Double, eta: Double?, progress: String) {
        self.frames = frames
        self.fps = fps
        self.outTime = outTime
        self.elapsed = elapsed
        self.eta = eta
        self.progress = progress
    }

    enum CodingKeys: String, CodingKey {
        case frames, fps, elapsed, eta, progress
        case outTime = "out_time"
    }
}
