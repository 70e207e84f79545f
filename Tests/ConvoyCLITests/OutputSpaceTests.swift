import Foundation
import XCTest

/// Outputs that cannot be written: a directory Convoy may not write in, a full disk and a file-size
/// limit. Each ends the same way: exit 73 (EX_CANTCREAT), one line on stderr naming the output,
/// no crash, and neither the output nor its temporary file left behind.
///
/// Root ignores directory permissions, so as root the unwritable directory is a read-only tmpfs
/// and the full disk a 64 KiB tmpfs, each mounted in a private mount namespace (`unshare -m`) that
/// vanishes with the command; those cases are skipped, with the reason, where that is not allowed.
final class OutputSpaceTests: ConvoyTestCase {
    private static let isRoot = geteuid() == 0

    /// Whether `unshare -m` may mount a tmpfs here (root with CAP_SYS_ADMIN, e.g. not in every container).
    private static let canMountPrivately: Bool = {
        guard isRoot else { return false }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try? ProcessRunner.shell("unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs \(shellQuote(directory))' 2>/dev/null")
        return result?.succeeded == true
    }()

    /// Runs `command` with a tmpfs (`options`) mounted on `directory` in a private mount namespace,
    /// then lists what is left in it on standard output (after a `--` line). Convoy writes to a file,
    /// so its own standard output is empty.
    private func withPrivateTmpfs(_ directory: String, options: String, _ command: String) throws -> ProcessResult {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let quoted = shellQuote(directory)
        return try shell("exec unshare -m sh -c \(shellQuote("mount -t tmpfs -o \(options) tmpfs \(quoted) || exit 99; \(command); status=$?; echo --; ls -A \(quoted); exit $status"))",
                         timeout: 120)
    }

    /// The failure contract: exit 73, one line naming `output`, and `reason` (when given) in it.
    private func assertCannotWrite(_ result: ProcessResult, output: String, reason: String? = nil,
                                   file: StaticString = #filePath, line: UInt = #line) {
        assertNoCrashTrace(result, file: file, line: line)
        XCTAssertEqual(result.status, 73, "wrong exit code: \(result.summary)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "expected one line on stderr: \(result.stderrLines)", file: file, line: line)
        let message = result.stderrLines.first ?? ""
        XCTAssertTrue(message.hasPrefix("convoy: \(output): "), "the message does not name \(output): \(message)", file: file, line: line)
        if let reason {
            XCTAssertTrue(message.contains(reason), "the message does not say \"\(reason)\": \(message)", file: file, line: line)
        }
    }

    private func convoyCommand(_ arguments: [String]) -> String {
        ([Tools.convoy] + arguments).map(shellQuote).joined(separator: " ")
    }

    /// An endless 160×120 nut stream from ffmpeg on Convoy's standard input: only a failed write can end the run.
    private func endlessInput() -> String {
        "\(shellQuote(Tools.ffmpeg)) -hide_banner -nostdin -v error -f lavfi -i testsrc2=size=160x120:rate=30 -f nut - 2>/dev/null"
    }

    // MARK: A directory that cannot be written

    func testOutputDirectoryThatIsNotWritable() throws {
        let clip = try makeClip("in.mp4", size: "160x120", duration: 0.5, audio: false)
        let locked = path("locked")
        let output = "\(locked)/out.mp4"
        let arguments = ["filter", clip, "--kernel", "box", "-q", "-o", output]
        if !Self.isRoot {
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
            XCTAssertEqual(chmod(locked, 0o555), 0)
            defer { chmod(locked, 0o755) }
            let result = try convoy(arguments)
            assertCannotWrite(result, output: output, reason: "Permission denied")
            XCTAssertEqual(directoryListing(locked), [], "the output or its temporary file was left")
        } else if Self.canMountPrivately {
            let result = try withPrivateTmpfs(locked, options: "ro,size=64k", convoyCommand(arguments))
            assertCannotWrite(result, output: output, reason: "Read-only file system")
            XCTAssertEqual(result.stdoutLines, ["--"], "the output or its temporary file was left")
        } else {
            throw XCTSkip("running as root without the right to mount a tmpfs: no directory is closed to root (the /sys and not-a-directory cases still run)")
        }
    }

    /// sysfs refuses new files even to root; and a file where a directory should be is never writable.
    func testOutputUnderSysfsOrUnderAFile() throws {
        let clip = try makeClip("in.mp4", size: "160x120", duration: 0.5, audio: false)
        let plain = path("plain.txt")
        try Data("a file, not a directory\n".utf8).write(to: URL(fileURLWithPath: plain))
        let underFile = "\(plain)/out.mp4"
        assertCannotWrite(try convoy(["filter", clip, "--kernel", "box", "-q", "-o", underFile]), output: underFile, reason: "Not a directory")
        XCTAssertEqual(directoryListing(), ["in.mp4", "plain.txt"])

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "/sys/kernel", isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XCTSkip("no sysfs mounted at /sys")
        }
        let before = directoryListing("/sys")
        let sysOutput = "/sys/convoy-test-\(getpid()).mp4"
        assertCannotWrite(try convoy(["filter", clip, "--kernel", "box", "-q", "-o", sysOutput]), output: sysOutput)
        XCTAssertEqual(directoryListing("/sys"), before)
    }

    // MARK: A full disk

    /// A 64 KiB tmpfs fills while an endless stream is being written: the run stops at the failed
    /// write (it would never end otherwise) and removes its temporary file.
    func testFullDiskStopsTheRunAndLeavesNothing() throws {
        guard Self.canMountPrivately else {
            throw XCTSkip(Self.isRoot ? "cannot mount a tmpfs here (unshare -m / mount refused)" : "mounting a small tmpfs needs root")
        }
        let disk = path("disk")
        for output in ["\(disk)/out.mkv", "\(disk)/out.mp4"] {
            let result = try withPrivateTmpfs(disk, options: "size=64k",
                                              "\(endlessInput()) | \(convoyCommand(["filter", "-", "--kernel", "box", "-q", "-o", output]))")
            assertCannotWrite(result, output: output, reason: "No space left on device")
            XCTAssertEqual(result.stdoutLines, ["--"], "\(output): the output or its temporary file was left")
        }
        // Features go through their own writer: the same contract.
        let clip = try makeClip("in.mp4", size: "320x240", duration: 2, audio: false)
        let model = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let features = "\(disk)/features.npy"
        let result = try withPrivateTmpfs(disk, options: "size=16k",
                                          convoyCommand(["features", clip, "--model", model, "-q", "-o", features]))
        assertCannotWrite(result, output: features, reason: "No space left on device")
        XCTAssertEqual(result.stdoutLines, ["--"], "the features file or its temporary file was left")
    }

    // MARK: A file-size limit (ulimit -f)

    /// The limit is reached mid-run by an endless stream. Convoy ignores SIGXFSZ itself (the shell
    /// does not), so the write fails with EFBIG instead of the signal killing the process.
    func testFileSizeLimitStopsAnEndlessRun() throws {
        let output = path("out.mkv")
        let result = try shell("ulimit -f 128; \(endlessInput()) | \(convoyCommand(["filter", "-", "--kernel", "box", "-q", "-o", output]))")
        assertCannotWrite(result, output: output, reason: "File too large")
        XCTAssertEqual(directoryListing(), [])
    }

    /// A limit just under the finished file's size: everything but the end fits, so the failure
    /// comes when the trailer (mp4's index) is written, after every frame was encoded.
    func testFileSizeLimitAtTheTrailer() throws {
        // About 70 KB: more than libavformat's 32 KiB write buffer, so some of it is written mid-run.
        let clip = try makeClip("in.mp4", size: "320x240", duration: 2, audio: false)
        let reference = path("reference.mp4")
        try convoySucceeds(["filter", clip, "--kernel", "box", "-q", "-o", reference])
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: reference)[.size] as? Int)
        let output = path("out.mp4")
        // The largest limit below the file's size, in the blocks this /bin/sh's ulimit -f counts
        // (512 bytes for dash, 1024 for bash): measured by how much of 4 KiB a 2-block limit lets through.
        let probe = try shell("ulimit -f 2; trap '' XFSZ; head -c 4096 /dev/zero > \(shellQuote(path("probe"))) 2>/dev/null; wc -c < \(shellQuote(path("probe")))")
        let block = (Int(probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) / 2
        XCTAssertTrue([512, 1024].contains(block), "cannot tell the unit of ulimit -f: \(probe.summary)")
        try FileManager.default.removeItem(atPath: path("probe"))
        let blocks = (size - 1) / max(block, 1)
        let result = try shell("ulimit -f \(blocks); \(convoyCommand(["filter", clip, "--kernel", "box", "-q", "-o", output]))")
        assertCannotWrite(result, output: output, reason: "File too large")
        XCTAssertEqual(directoryListing(), ["in.mp4", "reference.mp4"])
    }
}
