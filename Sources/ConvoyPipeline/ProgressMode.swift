/// How a run reports progress on standard error.
public enum ProgressMode: String, CaseIterable, Sendable, Codable {
    /// A status line when standard error is a terminal, nothing otherwise.
    case auto
    /// One JSON object per line, once a second, and a last one with `"progress":"end"`.
    case json
    /// `key=value` blocks ending in `progress=continue` / `progress=end`, as `ffmpeg -progress` writes.
    case ffmpeg
    /// Nothing.
    case none
}
