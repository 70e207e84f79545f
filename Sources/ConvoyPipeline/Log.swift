import Foundation

/// Messages for the person running Convoy. Always standard error: standard output may carry video.
public enum Log {
    /// Set by `--quiet`: warnings are dropped (errors are not routed through here).
    nonisolated(unsafe) public static var quiet = false

    public static func warning(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("convoy: warning: \(message)\n".utf8))
    }

    public static func info(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("convoy: \(message)\n".utf8))
    }
}
