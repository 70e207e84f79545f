/// One progress report as `ProgressReporter` writes it in each `ProgressMode`: as a JSON line
/// (`json`, its `Encodable` form), as `key=value` lines ending in `progress=continue` or
/// `progress=end` (`ffmpeg`), or as a terminal status line (`auto`).
public protocol ProgressReport: Encodable {
    /// True for the last report of a run (`progress=end`).
    var isLast: Bool { get }
    /// The `key=value` lines of `--progress ffmpeg`, the last one `progress=…`.
    var keyValueLines: [String] { get }
    /// The status line shown on a terminal.
    var statusLine: String { get }
}
