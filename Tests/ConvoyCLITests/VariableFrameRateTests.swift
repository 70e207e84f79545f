import Foundation
import XCTest

/// Variable-frame-rate input stays variable: every frame keeps its own timestamp, none is
/// dropped or duplicated to make the rate constant.
final class VariableFrameRateTests: ConvoyTestCase {
    /// testsrc2 at 30 fps with frames 10–19 and every seventh frame dropped, timestamps kept
    /// (`-fps_mode vfr`), so the gaps between frames vary from 1/30 s to 11/30 s.
    private func makeVariableRateClip(_ name: String) throws -> String {
        let output = path(name)
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=256x144:rate=30:duration=2",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
                    "-vf", "select='not(between(n,10,19))*not(eq(mod(n,7),3))'", "-fps_mode", "vfr",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", output])
        let times = try framePresentationTimes(output)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // The reference really is VFR; otherwise this test would prove nothing.
        XCTAssertGreaterThan(times.count, 30)
        XCTAssertGreaterThan((gaps.max() ?? 0) - (gaps.min() ?? 0), 0.2, "the generated clip is not variable-rate: \(gaps)")
        return output
    }

    func testMatroskaToMatroskaKeepsEveryTimestamp() throws {
        let input = try makeVariableRateClip("vfr.mkv")
        let output = path("out.mkv")
        try convoySucceeds(["filter", input, "-o", output, "--kernel", "box"])
        let expected = try framePresentationTimes(input)
        XCTAssertEqual(try decodedFrameCount(output), try decodedFrameCount(input))
        // Same time base (1/1000) on both sides: the printed times must match exactly.
        assertTimesEqual(try framePresentationTimes(output), expected, tolerance: 0)
        XCTAssertEqual(try decodeErrors(output), "")
    }

    func testMatroskaToMP4KeepsEveryFrameAndTimestamp() throws {
        let input = try makeVariableRateClip("vfr.mkv")
        let output = path("out.mp4")
        try convoySucceeds(["filter", input, "-o", output, "--kernel", "box"])
        let expected = try framePresentationTimes(input)
        XCTAssertEqual(try decodedFrameCount(output), try decodedFrameCount(input), "frames lost going to mp4")
        assertTimesEqual(try framePresentationTimes(output), expected, tolerance: 0.0005)
        XCTAssertEqual(try decodeErrors(output), "")
    }
}
