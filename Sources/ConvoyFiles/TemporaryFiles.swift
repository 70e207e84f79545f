import Foundation

/// The temporary files being written right now, so that an abort (a second Ctrl-C) can remove
/// them before the process exits. `StagedFile` registers a path when it names it and unregisters
/// it when it renames or removes it.
public enum TemporaryFiles {
    private static let lock = NSLock()
    // nonisolated(unsafe): guarded by `lock` (every access below holds it).
    nonisolated(unsafe) private static var paths = Set<String>()

    public static func register(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    public static func unregister(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// Unlinks every registered file, then removes registered folders (staging folders of
    /// image outputs), longest paths first so a folder's files go before it (for an abort; safe
    /// to call from any thread).
    public static func removeAll() {
        lock.lock()
        for path in paths.sorted(by: { $0.count > $1.count }) where unlink(path) != 0 { rmdir(path) }
        paths.removeAll()
        lock.unlock()
    }
}
