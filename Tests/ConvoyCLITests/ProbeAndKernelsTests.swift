import Foundation
import XCTest

/// `convoy probe` describes an input as ffprobe does; `convoy kernels` lists the built-ins.
final class ProbeAndKernelsTests: ConvoyTestCase {
    func testProbeReportsSizeRateFramesAndColour() throws {
        let input = try makeClip("tagged.mp4", size: "320x240", rate: "25", duration: 1,
                                 extra: ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"])
        let reference = try XCTUnwrap(try stream(input, type: "video"))
        let width = try XCTUnwrap(reference["width"] as? Int)
        let height = try XCTUnwrap(reference["height"] as? Int)
        let frames = try decodedFrameCount(input)
        XCTAssertEqual(frames, 25)
        let colour = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "stream=color_space,color_range,color_primaries,color_transfer", input])
        let colourInfo = try XCTUnwrap((colour["streams"] as? [[String: Any]])?.first)
        XCTAssertEqual(colourInfo["color_space"] as? String, "bt709", "the reference clip is not tagged")

        let result = try convoySucceeds(["probe", input])
        let text = result.stdoutText
        let videoLine = try XCTUnwrap(result.stdoutLines.first { $0.contains("video") }, "no video line in: \(text)")
        XCTAssertTrue(videoLine.contains("\(width)x\(height)"), "size missing: \(videoLine)")
        XCTAssertTrue(videoLine.contains("25.000 fps") || videoLine.contains("25 fps"), "frame rate missing: \(videoLine)")
        XCTAssertTrue(videoLine.contains("h264"), "codec missing: \(videoLine)")
        XCTAssertTrue(videoLine.contains("frames \(frames)"), "frame count missing: \(videoLine)")
        for key in ["color_space", "color_range", "color_primaries", "color_transfer"] {
            let value = try XCTUnwrap(colourInfo[key] as? String)
            XCTAssertTrue(videoLine.contains("=\(value)"), "\(key) \(value) missing: \(videoLine)")
        }
        XCTAssertTrue(text.contains("audio") && text.contains("aac") && text.contains("48000 Hz"), "audio stream missing: \(text)")

        let counted = try convoySucceeds(["probe", "--count", input])
        let countedLine = try XCTUnwrap(counted.stdoutLines.first { $0.contains("video") })
        XCTAssertTrue(countedLine.contains("frames \(frames) (counted by decoding)"), "--count: \(countedLine)")
    }

    /// A container that states no frame count (matroska) is counted by decoding, VFR included.
    func testProbeCountsFramesWhenTheContainerDoesNotSay() throws {
        let input = path("vfr.mkv")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=1",
                    "-vf", "select='not(eq(mod(n,3),1))'", "-fps_mode", "vfr",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", input])
        let frames = try decodedFrameCount(input)
        XCTAssertEqual(frames, 20)
        let result = try convoySucceeds(["probe", input])
        XCTAssertTrue(result.stdoutText.contains("frames \(frames)"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("160x120"), result.stdoutText)
    }

    func testProbeMissingInput() throws {
        let result = try convoy(["probe", path("nosuch.mkv")])
        assertNoCrashTrace(result)
        XCTAssertEqual(result.status, 66, result.summary)
        XCTAssertEqual(result.stderrLines.count, 1, "\(result.stderrLines)")
        XCTAssertTrue(result.stderrText.hasPrefix("convoy: ") && result.stderrText.contains("nosuch.mkv"), result.stderrText)
    }

    func testKernelsListsTheBuiltIns() throws {
        let result = try convoySucceeds(["kernels"])
        let names = Set(result.stdoutLines.filter { !$0.hasPrefix(" ") }.compactMap { $0.split(separator: ":").first.map(String.init) })
        for name in ["identity", "box", "gaussian", "sharpen", "emboss", "laplacian", "sobel", "prewitt"] {
            XCTAssertTrue(names.contains(name), "convoy kernels does not list \(name): \(names.sorted())")
        }
        XCTAssertEqual(result.stderr.count, 0, result.stderrText)
    }
}
