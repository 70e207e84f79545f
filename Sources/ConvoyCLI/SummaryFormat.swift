import ArgumentParser

/// How a run's closing summary is printed (`--summary`).
enum SummaryFormat: String, CaseIterable, ExpressibleByArgument {
    /// One sentence, silenced by `--quiet`.
    case text
    /// One JSON object on one line, for scripts.
    case json
}
