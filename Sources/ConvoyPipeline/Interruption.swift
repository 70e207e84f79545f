import ConvoyFiles
import Foundation

/// Ctrl-C and SIGTERM, handled as ffmpeg users expect: the first stops reading the input, the
/// frames in flight are finished and the output is closed properly (a playable file of what was
/// processed, exit 130 or 143); a second aborts at once and removes the temporary output.
public enum Interruption {
    private static let lock = NSLock()
    // nonisolated(unsafe): guarded by `lock` (every access holds it).
    nonisolated(unsafe) private static var received: Int32 = 0
    // nonisolated(unsafe): guarded by `lock` (only `install` touches it, holding the lock).
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// Where the signal handlers run: a serial queue of Convoy's own, which libdispatch serves from
    /// its overcommitting pool, so a handler never waits behind the convolution workers that
    /// `concurrentPerform` keeps on the global queue's threads (one per core). A handler that
    /// waited there let a second Ctrl-C arrive before the first was handled, and libdispatch
    /// merges signals that arrive before their handler runs into one event.
    private static let queue = DispatchQueue(label: "convoy.interruption")

    /// Takes over SIGINT and SIGTERM for the rest of the process. SIGXFSZ is ignored too, so an
    /// output that outgrows the file-size limit (`ulimit -f`) fails its write with EFBIG, which is
    /// reported and cleaned up like a full disk, instead of killing the process mid-write.
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        signal(SIGXFSZ, SIG_IGN)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // `data`: how many signals the event merged (two quick Ctrl-Cs can still be one).
            source.setEventHandler { handle(number, count: max(1, Int(source.data))) }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    public static var receivedSignal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received == 0 ? nil : received
    }

    /// The exit code for the signal received (128 + its number: 130 for SIGINT, 143 for SIGTERM).
    public static var exitCode: Int32? { receivedSignal.map { 128 + $0 } }

    private static func handle(_ number: Int32, count: Int) {
        lock.lock()
        let first = received == 0 && count == 1
        if received == 0 { received = number }
        let code = 128 + received
        lock.unlock()
        if first {
            Log.info("stopping: finishing the frames in flight (press Ctrl-C again to abort).")
        } else {
            TemporaryFiles.removeAll()
            FileHandle.standardError.write(Data("convoy: aborted; the unfinished output was removed.\n".utf8))
            _exit(code)
        }
    }
}
