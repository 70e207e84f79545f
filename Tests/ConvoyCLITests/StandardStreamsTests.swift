import Foundation
import XCTest

/// `-` as input reads a container from standard input; `-o -` writes one to standard output, with
/// every message on standard error so the stream stays valid.
final class StandardStreamsTests: ConvoyTestCase {
    func testStandardInputGivesTheSameFramesAsTheFile() throws {
        let input = try makeClip("in.mp4")
        let fromFile = path("b.mkv")
        try convoySucceeds(["filter", input, "-o", fromFile, "--codec", "ffv1", "--kernel", "gaussian"])

        let fromPipe = path("a.mkv")
        let command = "\(shellQuote(Tools.ffmpeg)) -hide_banner -nostdin -v error -i \(shellQuote(input)) -c copy -f nut - | "
            + "\(shellQuote(Tools.convoy)) filter - -o \(shellQuote(fromPipe)) --codec ffv1 --kernel gaussian"
        let piped = try shell(command)
        XCTAssertEqual(piped.status, 0, piped.summary)
        assertNoCrashTrace(piped)

        let expected = try frameMD5(fromFile)
        XCTAssertEqual(expected.count, 60)
        XCTAssertEqual(try frameMD5(fromPipe), expected, "reading from standard input changed the frames or their timestamps")
        XCTAssertNotNil(try stream(fromPipe, type: "audio"), "audio lost when reading from standard input")
    }

    func testStandardOutputCarriesOnlyTheStream() throws {
        let input = try makeClip("in.mp4")
        let fromFile = path("b.mkv")
        try convoySucceeds(["filter", input, "-o", fromFile, "--codec", "ffv1", "--kernel", "gaussian"])
        let expected = try frameMD5(fromFile)

        // Piped straight into ffmpeg, as a user would.
        let command = "\(shellQuote(Tools.convoy)) filter \(shellQuote(input)) -o - --codec ffv1 --format nut --kernel gaussian 2>/dev/null | "
            + "\(shellQuote(Tools.ffmpeg)) -hide_banner -nostdin -v error -i - -map 0:v -f framemd5 -"
        let piped = try shell(command)
        XCTAssertEqual(piped.status, 0, piped.summary)
        XCTAssertEqual(piped.stdoutLines.filter { !$0.hasPrefix("#") }, expected, "the stream on standard output has other frames")

        // Captured byte for byte: standard output is exactly one nut stream, messages went to stderr.
        let direct = try convoy(["filter", input, "-o", "-", "--codec", "ffv1", "--format", "nut", "--kernel", "gaussian"])
        XCTAssertTrue(direct.succeeded, direct.summary)
        assertNoCrashTrace(direct)
        XCTAssertTrue(direct.stdout.starts(with: Data("nut/multimedia container".utf8)), "standard output does not start with the nut header")
        let captured = path("captured.nut")
        try direct.stdout.write(to: URL(fileURLWithPath: captured))
        XCTAssertEqual(try decodeErrors(captured), "", "standard output is not a clean nut stream")
        XCTAssertEqual(try frameMD5(captured), expected)
        XCTAssertNotNil(try stream(captured, type: "audio"), "audio lost on standard output")
        XCTAssertNotNil(String(data: direct.stderr, encoding: .utf8), "binary data on standard error")
        for line in direct.stderrLines {
            XCTAssertTrue(line.hasPrefix("convoy:"), "unexpected line on standard error: \(line)")
        }
    }
}
