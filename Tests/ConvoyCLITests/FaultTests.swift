import Foundation
import XCTest

/// Damaged input, `--strict`, the closing summary and the colour-tag assumption.
final class FaultTests: ConvoyTestCase {
    /// A 4 s MPEG-TS clip with 3,000 payload bytes overwritten in its middle (seeded).
    private func damagedClip() throws -> (path: String, frames: Int) {
        let clean = try makeClip("clean.ts", size: "320x240", rate: "25", duration: 4, audio: false,
                                 videoCodec: ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-f", "mpegts"])
        var bytes = [UInt8](try XCTUnwrap(fileData(clean)))
        var state: UInt64 = 7
        for index in (bytes.count / 2)..<(bytes.count / 2 + 3000) where index % 188 > 4 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        let damaged = path("damaged.ts")
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        return (damaged, try decodedFrameCount(clean))
    }

    func testDamagedInputIsReportedAndTheRestIsWritten() throws {
        let (input, frames) = try damagedClip()
        let result = try convoySucceeds(["filter", input, "--kernel", "box", "-o", path("out.mp4"), "--summary", "json"])
        let written = try assertDecodesCleanly(path("out.mp4"))
        XCTAssertGreaterThanOrEqual(written, frames * 9 / 10, "most frames survive")
        let lines = result.stderrText.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("damaged") && $0.contains(" s") }, result.stderrText)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        XCTAssertEqual(summary["frames_written"] as? Int, written)
        let damage = (summary["frames_damaged"] as? Int ?? 0) + (summary["decode_errors"] as? Int ?? 0)
        XCTAssertGreaterThan(damage, 0, "the damage is counted")
        XCTAssertEqual(summary["interrupted"] as? Bool, false)
    }

    func testStrictMakesTheFirstDamageFatal() throws {
        let (input, _) = try damagedClip()
        let result = try convoy(["filter", input, "--kernel", "box", "-o", path("out.mp4"), "--strict"])
        XCTAssertEqual(result.status, 65, result.stderrText)
        XCTAssertTrue(result.stderrText.contains("--strict"), result.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.mp4")))
        XCTAssertEqual(temporaryLeftovers(), [])
        assertNoCrashTrace(result)
    }

    func testSummaryJSONIsPrintedEvenWhenQuiet() throws {
        let input = try makeClip("in.mp4", duration: 1, audio: true)
        let result = try convoySucceeds(["filter", input, "--kernel", "box", "-o", path("out.mp4"), "-q", "--summary", "json"])
        let lines = result.stderrText.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderrText)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(summary["frames_decoded"] as? Int, 30)
        XCTAssertEqual(summary["frames_written"] as? Int, 30)
        XCTAssertGreaterThan(summary["packets_copied"] as? Int ?? 0, 0)
        XCTAssertNotNil(summary["fps"] as? Double)
        XCTAssertEqual(result.stdout.count, 0)
    }

    func testMissingColourTagsAreNamedWithTheAssumption() throws {
        let untagged = try makeClip("untagged.mp4", duration: 0.3, audio: false)
        let said = try convoySucceeds(["filter", untagged, "--kernel", "box", "-o", path("a.mp4")]).stderrText
        XCTAssertTrue(said.contains("BT.601") && said.contains("limited"), said)
        let tagged = try makeClip("tagged.mp4", duration: 0.3, audio: false,
                                  extra: ["-colorspace", "bt709", "-color_range", "tv", "-color_primaries", "bt709", "-color_trc", "bt709"])
        let quiet = try convoySucceeds(["filter", tagged, "--kernel", "box", "-o", path("b.mp4")]).stderrText
        XCTAssertFalse(quiet.contains("assumed"), quiet)
    }
}
