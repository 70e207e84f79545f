import Foundation

/// Messages for the person running Convoy. Always standard error: standard output may carry video.
public enum Log {
    private static let lock = NSLock()
    // nonisolated(unsafe): guarded by `lock` (read and written only through `quiet`).
    nonisolated(unsafe) private static var silenced = false

    /// Set by `--quiet`: warnings are dropped (errors are not routed through here).
    public static var quiet: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return silenced
        }
        set {
            lock.lock()
            silenced = newValue
            lock.unlock()
        }
    }

    public static func warning(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("convoy: warning: \(message)\n".utf8))
    }

    public static func info(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("convoy: \(message)\n".utf8))
    }
}
