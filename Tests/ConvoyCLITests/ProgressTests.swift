import Foundation
import XCTest

/// `--progress json` and `--progress ffmpeg` report on stderr only, and end with a final report.
final class ProgressTests: ConvoyTestCase {
    /// Progress lines: what is on stderr apart from Convoy's own `convoy: …` messages.
    private func progressLines(_ result: ProcessResult) -> [String] {
        result.stderrLines.filter { !$0.hasPrefix("convoy:") }
    }

    func testJSONProgress() throws {
        let input = try makeClip("in.mp4", size: "256x144", rate: "30", duration: 2)
        let frames = try decodedFrameCount(input)
        let result = try convoySucceeds(["filter", input, "-o", path("out.mp4"), "--kernel", "box", "--progress", "json"])
        XCTAssertEqual(result.stdout.count, 0, "progress must not go to stdout")
        let lines = progressLines(result)
        XCTAssertFalse(lines.isEmpty, "no progress lines: \(result.stderrText)")
        var objects: [[String: Any]] = []
        for line in lines {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                XCTFail("not a JSON object: \(line)")
                continue
            }
            for key in ["frames", "fps", "progress"] {
                XCTAssertNotNil(object[key], "\(key) missing in \(line)")
            }
            objects.append(object)
        }
        let last = try XCTUnwrap(objects.last)
        XCTAssertEqual(last["progress"] as? String, "end")
        XCTAssertEqual(last["frames"] as? Int, frames)
        XCTAssertEqual(objects.filter { $0["progress"] as? String == "end" }.count, 1, "exactly one final report")
        let counts = objects.compactMap { $0["frames"] as? Int }
        XCTAssertEqual(counts, counts.sorted(), "frame counts go backwards")
        for object in objects {
            XCTAssertGreaterThanOrEqual((object["fps"] as? Double) ?? -1, 0)
        }
    }

    func testFFmpegStyleProgress() throws {
        let input = try makeClip("in.mp4", size: "256x144", rate: "30", duration: 2)
        let frames = try decodedFrameCount(input)
        let result = try convoySucceeds(["filter", input, "-o", path("out.mp4"), "--kernel", "box", "--progress", "ffmpeg"])
        XCTAssertEqual(result.stdout.count, 0, "progress must not go to stdout")
        let lines = progressLines(result)
        XCTAssertEqual(lines.last, "progress=end", "the progress output does not end with progress=end: \(lines.suffix(12))")
        for line in lines {
            XCTAssertTrue(line.contains("="), "not key=value: \(line)")
        }
        // The last block states the final frame count.
        let lastBlock = lines.split(whereSeparator: { $0.hasPrefix("progress=") }).last.map(Array.init) ?? []
        XCTAssertTrue(lastBlock.contains("frame=\(frames)"), "last block: \(lastBlock)")
        XCTAssertEqual(lines.filter { $0 == "progress=end" }.count, 1)
    }

    func testQuietPrintsNothing() throws {
        let input = try makeClip("in.mp4", size: "160x120", rate: "25", duration: 0.4, audio: false)
        let result = try convoySucceeds(["filter", input, "-o", path("out.mp4"), "--kernel", "box", "--quiet", "--progress", "json"])
        XCTAssertEqual(result.stdout.count, 0)
        XCTAssertEqual(result.stderrText, "", "--quiet should silence stderr")
    }
}
