#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// libFuzzer's driver (libclang_rt.fuzzer_no_main), linked by `make fuzz`: runs the fuzzing loop
/// with `argv` as libFuzzer's options and calls `callback` for every input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The body of the one harness this process runs (a C callback cannot capture it).
nonisolated(unsafe) private var currentBody: ((Data) -> Void)?

/// Runs a libFuzzer harness: `body` gets every input the fuzzer makes, as `Data`, and must
/// return normally for every byte sequence; a trap, a sanitizer report, a leak or a hang is a
/// finding, which libFuzzer saves as `crash-…`, `leak-…` or `timeout-…` and exits.
///
/// Called from a harness's `main` with the command line (`-max_total_time=300 Corpus/X`, or one
/// input file to replay it).
public enum Fuzzer {
    public static func run(_ body: @escaping (Data) -> Void) -> Never {
        currentBody = body
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let code = LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
            let data = count == 0 || bytes == nil ? Data() : Data(bytes: bytes!, count: count)
            currentBody!(data)
            return 0
        }
        exit(code)
    }

    /// A scratch folder for harnesses that must give FFmpeg or a writer a real file: one per
    /// process, removed at exit.
    public static let scratch: String = {
        let path = NSTemporaryDirectory() + "convoy-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Fuzzer.scratch) }
        return path
    }()

    /// Stops the run with a message: a wrong result (not a crash) that the harness detected.
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fuzz check failed: \(message)\n".utf8))
        abort()
    }

    /// True when `message` is one line of reasonable length, as Convoy's errors must be.
    public static func isOneLine(_ message: String) -> Bool {
        !message.contains("\n") && !message.contains("\r") && message.count < 2000
    }
}
