import Foundation
import XCTest

/// Ctrl-C and SIGTERM: the first stops reading and closes a playable output of the frames done so
/// far (exit 130 / 143); a second aborts at once and leaves no output and no temporary file.
final class InterruptTests: ConvoyTestCase {
    /// Starts `convoy filter` on a long clip and returns once its temporary output exists.
    private func startLongRun(output: String, extra: [String] = []) throws -> (process: Process, total: Int) {
        let input = try makeClip("long.mp4", size: "640x360", rate: "30", duration: 20, audio: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.convoy)
        process.arguments = ["filter", input, "-o", output, "--kernel", "gaussian:sigma=2", "-q"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while temporaryLeftovers().isEmpty && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(process.isRunning, "the run ended before it could be interrupted")
        Thread.sleep(forTimeInterval: 0.5)
        return (process, 600)
    }

    private func check(signal: Int32, exitCode: Int32) throws {
        let output = path("out-\(signal).mp4")
        let (process, total) = try startLongRun(output: output)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, exitCode)
        let frames = try assertDecodesCleanly(output)
        XCTAssertGreaterThan(frames, 0)
        XCTAssertLessThan(frames, total, "the run was stopped early")
        XCTAssertNotNil(try stream(output, type: "audio"))
        XCTAssertEqual(temporaryLeftovers(), [])
    }

    func testCtrlCFinishesAPlayableOutput() throws {
        try check(signal: SIGINT, exitCode: 130)
    }

    func testSIGTERMFinishesAPlayableOutput() throws {
        try check(signal: SIGTERM, exitCode: 143)
    }

    func testSecondCtrlCAbortsAndRemovesTheTemporaryOutput() throws {
        let output = path("aborted.mp4")
        // x264's slowest preset holds dozens of frames in its lookahead, so finishing after the
        // first Ctrl-C takes long enough for the second to arrive while the output is unfinished
        // (with the fast default, the frames in flight are done within the 50 ms).
        let (process, _) = try startLongRun(output: output, extra: ["--preset", "veryslow"])
        kill(process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.05)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        XCTAssertEqual(temporaryLeftovers(), [])
    }
}
