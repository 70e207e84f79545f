import Foundation

/// What a finished child process left behind.
struct ProcessResult {
    /// The command line, for assertion messages.
    var commandLine: String
    /// The exit status, or the signal number when the process was killed by one (see `crashed`).
    var status: Int32
    /// True when the process ended by a signal (a crash, or the timeout's SIGTERM).
    var crashed: Bool
    var timedOut: Bool
    var stdout: Data
    var stderr: Data

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// The non-empty lines of standard error.
    var stderrLines: [String] { stderrText.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty } }
    var stdoutLines: [String] { stdoutText.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty } }

    /// True when it ended normally with status 0.
    var succeeded: Bool { !crashed && !timedOut && status == 0 }

    /// A short description for failure messages.
    var summary: String {
        let ending = timedOut ? "timed out" : crashed ? "killed by signal \(status)" : "exit \(status)"
        let err = stderrText.count > 2_000 ? String(stderrText.prefix(2_000)) + "…" : stderrText
        return "\(commandLine)\n  -> \(ending)\n  stderr: \(err)"
    }
}

/// A child process that did not succeed when it had to.
struct CommandFailed: Error, CustomStringConvertible {
    let result: ProcessResult
    var description: String { "command failed: \(result.summary)" }
}

/// Runs programs with Foundation's `Process`, capturing standard output and standard error
/// concurrently (so a chatty child never blocks on a full pipe) and killing it after a timeout.
enum ProcessRunner {
    /// Runs `executable` with `arguments`. Standard input is /dev/null unless `stdinFile` is given.
    ///
    /// Under `make sanitize` the children get `CONVOY_CHILD_ASAN_OPTIONS` as their ASAN_OPTIONS:
    /// a sanitized convoy checks for leaks at exit, while the test runner cannot (XCTest on Linux
    /// never frees its finished test cases, docs/RELIABILITY.md).
    static func run(_ executable: String, _ arguments: [String], stdinFile: String? = nil,
                    environment: [String: String]? = nil, timeout: TimeInterval = 120) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var overrides = environment ?? [:]
        if let options = ProcessInfo.processInfo.environment["CONVOY_CHILD_ASAN_OPTIONS"], overrides["ASAN_OPTIONS"] == nil {
            overrides["ASAN_OPTIONS"] = options
        }
        if !overrides.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(overrides) { _, new in new }
        }
        if let stdinFile {
            guard let handle = FileHandle(forReadingAtPath: stdinFile) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: stdinFile])
            }
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe

        let collected = Collected()
        let readers = DispatchGroup()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            readers.enter()
            Thread.detachNewThread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, stdout: isOut)
                readers.leave()
            }
        }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        // Process closes its own copies of the pipes' write ends once the child is spawned.
        try process.run()

        let deadline = DispatchTime.now() + timeout
        var timedOut = false
        if finished.wait(timeout: deadline) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        readers.wait()
        let crashed = process.terminationReason == .uncaughtSignal
        return ProcessResult(commandLine: ([executable] + arguments).map(shellQuote).joined(separator: " "),
                             status: process.terminationStatus, crashed: crashed, timedOut: timedOut,
                             stdout: collected.stdout, stderr: collected.stderr)
    }

    /// Runs `command` with `/bin/sh -c` (for pipelines between processes).
    static func shell(_ command: String, timeout: TimeInterval = 120) throws -> ProcessResult {
        try run("/bin/sh", ["-c", command], timeout: timeout)
    }

    /// The absolute path of `name` found on PATH (falling back to /usr/bin).
    static func which(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/\(name)"
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data()
        private var err = Data()
        func set(_ data: Data, stdout: Bool) {
            lock.lock(); defer { lock.unlock() }
            if stdout { out = data } else { err = data }
        }
        var stdout: Data { lock.lock(); defer { lock.unlock() }; return out }
        var stderr: Data { lock.lock(); defer { lock.unlock() }; return err }
    }
}

/// Quotes `text` for /bin/sh.
func shellQuote(_ text: String) -> String {
    let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./=:,+@%"))
    if !text.isEmpty, text.unicodeScalars.allSatisfy({ safe.contains($0) }) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
