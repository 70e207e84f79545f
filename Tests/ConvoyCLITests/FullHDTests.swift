import Foundation
import XCTest

/// A full-HD H.264 clip with audio goes through the whole pipeline at 1920×1080.
final class FullHDTests: ConvoyTestCase {
    func testFullHDGaussianBlur() throws {
        let input = try makeClip("in1080.mp4", size: "1920x1080", rate: "25", duration: 0.4,
                                 videoCodec: ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p"])
        let frames = try decodedFrameCount(input)
        XCTAssertEqual(frames, 10, "the reference clip should have 10 frames")
        let output = path("out1080.mp4")
        try convoySucceeds(["filter", input, "-o", output, "--kernel", "gaussian"])

        let video = try XCTUnwrap(try stream(output, type: "video"))
        XCTAssertEqual(video["width"] as? Int, 1920)
        XCTAssertEqual(video["height"] as? Int, 1080)
        XCTAssertEqual(try decodedFrameCount(output), frames, "frame count changed")
        let audio = try stream(output, type: "audio")
        XCTAssertEqual(audio?["codec_name"] as? String, "aac", "audio lost")
        XCTAssertEqual(try packets(output, stream: "a:0").count, try packets(input, stream: "a:0").count)
        XCTAssertEqual(try decodeErrors(output), "")

        // Blurrier: the mean absolute horizontal luma gradient drops.
        let before = try rawFrames(input, pixelFormat: "gray").meanHorizontalGradient()
        let after = try rawFrames(output, pixelFormat: "gray").meanHorizontalGradient()
        XCTAssertGreaterThan(before, 1, "testsrc2 should have texture")
        XCTAssertLessThan(after, before * 0.9, "the output is not blurrier than the input (gradient \(after) vs \(before))")
    }
}
