import Foundation

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

extension ProgressSnapshot: ProgressReport {
    public var isLast: Bool { progress == "end" }

    /// As `ffmpeg -progress` writes them.
    public var keyValueLines: [String] {
        let microseconds = Int64(outTime * 1_000_000)
        return ["frame=\(frames)", "fps=\(String(format: "%.2f", fps))", "out_time_us=\(microseconds)", "out_time_ms=\(microseconds)",
                "out_time=\(ProgressReporter.clock(outTime, fraction: 6))", "dup_frames=0", "drop_frames=0",
                "speed=\(elapsed > 0 ? String(format: "%.3gx", outTime / elapsed) : "N/A")", "progress=\(progress)"]
    }

    /// `frame=120 fps=45.2 time=00:00:04.00 elapsed=00:00:02 eta=00:00:05`.
    public var statusLine: String {
        let eta = self.eta.map { " eta=\(ProgressReporter.clock($0, fraction: 0))" } ?? ""
        return "frame=\(frames) fps=\(String(format: "%.1f", fps)) time=\(ProgressReporter.clock(outTime, fraction: 2)) elapsed=\(ProgressReporter.clock(elapsed, fraction: 0))\(eta)"
    }
}
