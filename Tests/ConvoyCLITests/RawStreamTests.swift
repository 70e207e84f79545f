import Foundation
import XCTest

/// Raw frames in and out through pipes: y4m on stdin, rawvideo and y4m on stdout, and Convoy as
/// the middle of a three-process pipe.
final class RawStreamTests: ConvoyTestCase {
    private var convoy: String { Tools.convoy }
    private var ffmpeg: String { Tools.ffmpeg }

    func testRawRGBOnStdoutIsTheFilteredFrames() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 1, audio: true)
        let piped = try shell("'\(convoy)' filter '\(input)' --kernel box -q -o - --format rawvideo --pix-fmt rgb24")
        XCTAssertEqual(piped.status, 0, piped.stderrText)
        XCTAssertEqual(piped.stdout.count, 10 * 96 * 64 * 3, "whole rgb24 frames and nothing else")
        try convoySucceeds(["filter", input, "--kernel", "box", "-o", path("file.nut"), "--codec", "rawvideo", "--pix-fmt", "rgb24"])
        let reference = try ffmpeg(["-i", path("file.nut"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        XCTAssertEqual(piped.stdout, reference.stdout)
    }

    func testThreeProcessPipeEqualsTheFileRun() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 1, audio: false)
        let pipe = try shell("'\(ffmpeg)' -v error -i '\(input)' -f yuv4mpegpipe - | '\(convoy)' filter - --kernel gaussian -q -o - --format yuv4mpegpipe | '\(ffmpeg)' -v error -i - -f framemd5 -")
        XCTAssertEqual(pipe.status, 0, pipe.stderrText)
        try convoySucceeds(["filter", input, "--kernel", "gaussian", "-o", path("file.nut"), "--codec", "rawvideo", "--pix-fmt", "yuv420p"])
        let sums = { (lines: [String]) in lines.filter { !$0.hasPrefix("#") }.map { String($0.split(separator: ",").last ?? "").trimmingCharacters(in: .whitespaces) } }
        let piped = sums(pipe.stdoutLines)
        XCTAssertEqual(piped.count, 10)
        XCTAssertEqual(piped, try frameChecksums(path("file.nut")))
    }

    /// A consumer that stops reading early ends Convoy quietly: exit 0 or 141 (SIGPIPE), no crash.
    func testAConsumerClosingThePipeEndsConvoyQuietly() throws {
        let input = try makeClip("in.mp4", size: "320x240", rate: "25", duration: 4, audio: false)
        let result = try ProcessRunner.run("/bin/bash", ["-c", "'\(convoy)' filter '\(input)' --kernel box -q -o - --format rawvideo --pix-fmt rgb24 | head -c 1000 > /dev/null; echo \"status=${PIPESTATUS[0]}\""])
        let status = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(["status=0", "status=141"].contains(status), status + result.stderrText)
        assertNoCrashTrace(result)
        XCTAssertEqual(temporaryLeftovers(), [])
    }
}
