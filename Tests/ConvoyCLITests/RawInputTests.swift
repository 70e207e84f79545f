import Foundation
import XCTest

/// `--raw`: headerless frames on standard input.
final class RawInputTests: ConvoyTestCase {
    func testRawRGBInIsFilteredFrameForFrame() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 1, audio: false)
        let raw = path("in.rgb")
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        let result = try convoy(["filter", "-", "--raw", "96x64:rgb24@10", "--kernel", "identity", "-o", "-",
                                 "--format", "rawvideo", "--pix-fmt", "rgb24", "-q"], stdinFile: raw)
        XCTAssertEqual(result.status, 0, result.stderrText)
        XCTAssertEqual(result.stdout, fileData(raw), "identity on raw RGB gives back the same bytes")
        for format in ["bgr24", "rgba"] {
            let file = path("in.\(format)")
            try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", format, file])
            let run = try convoy(["filter", "-", "--raw", "96x64:\(format)@10", "--kernel", "identity", "-o", "-",
                                  "--format", "rawvideo", "--pix-fmt", format, "-q"], stdinFile: file)
            XCTAssertEqual(run.status, 0, run.stderrText)
            XCTAssertEqual(run.stdout, fileData(file), "identity on raw \(format) gives back the same bytes")
        }
        for format in ["gray", "yuv420p"] {
            let file = path("in.\(format)")
            try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", format, file])
            let run = try convoy(["filter", "-", "--raw", "96x64:\(format)@10", "--kernel", "box", "-o", path("\(format).mp4")], stdinFile: file)
            XCTAssertEqual(run.status, 0, run.stderrText)
            XCTAssertEqual(try decodedFrameCount(path("\(format).mp4")), 10, format)
        }
    }

    /// A cut-off last frame is damage, as ffmpeg treats it: dropped, reported and counted, the
    /// whole frames written; `--strict` refuses the input and writes nothing.
    func testShortLastFrameIsDroppedAndCountedAndStrictRefusesIt() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 1, audio: false)
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "rgb24", path("in.rgb")])
        let bytes = try XCTUnwrap(fileData(path("in.rgb")))
        try bytes.prefix(96 * 64 * 3 * 4 + 1000).write(to: URL(fileURLWithPath: path("short.rgb")))
        let result = try convoy(["filter", "-", "--raw", "96x64:rgb24@10", "--kernel", "box", "-o", path("out.mp4"), "--summary", "json"],
                                stdinFile: path("short.rgb"))
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertTrue(result.stderrText.contains("ended inside a frame (1000 of 18432 bytes)"), result.stderrText)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((result.stderrLines.last ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(summary["input_ended_early"] as? Bool, true)
        XCTAssertEqual(summary["frames_written"] as? Int, 4)
        XCTAssertEqual(try decodedFrameCount(path("out.mp4")), 4)
        let strict = try convoy(["filter", "-", "--raw", "96x64:rgb24@10", "--kernel", "box", "-o", path("strict.mp4"), "--strict", "-q"],
                                stdinFile: path("short.rgb"))
        XCTAssertEqual(strict.status, 65, strict.summary)
        XCTAssertEqual(strict.stderrLines.count, 1, strict.summary)
        XCTAssertTrue(strict.stderrText.contains("1000 of 18432 bytes"), strict.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("strict.mp4")))
        let bad = try convoy(["filter", "-", "--raw", "96x64:rgb42@10", "--kernel", "box", "-o", path("x.mp4")], stdinFile: path("in.rgb"))
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderrText.contains("rgb42"), bad.stderrText)
    }
}
