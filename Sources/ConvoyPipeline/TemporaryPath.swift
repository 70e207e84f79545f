import Foundation

/// Names for files written beside their target and renamed onto it only on success.
enum TemporaryPath {
    /// `.NAME.convoy-PID.tmp` in the target's directory (the same scheme as video outputs).
    static func beside(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).convoy-\(getpid()).tmp").path
    }
}
