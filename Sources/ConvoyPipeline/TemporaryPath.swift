import ConvoyMedia
import Foundation

/// Names for files written beside their target and renamed onto it only on success.
enum TemporaryPath {
    /// `.NAME.convoy-PID.tmp` in the target's directory (the same scheme as video outputs),
    /// registered with `TemporaryFiles` so an abort removes it; `release` it once renamed or removed.
    static func beside(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).convoy-\(getpid()).tmp").path
        TemporaryFiles.register(temporary)
        return temporary
    }

    /// Registers a temporary path named some other way (so an abort removes it too).
    static func hold(_ temporary: String) {
        TemporaryFiles.register(temporary)
    }

    /// Forgets a temporary path that has been renamed or removed.
    static func release(_ temporary: String) {
        TemporaryFiles.unregister(temporary)
    }
}
