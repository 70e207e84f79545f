import Foundation
import XCTest

/// Colour matrix and range: frames are converted to RGB as the source's tags say, and the output
/// carries the same tags.
final class ColourTests: ConvoyTestCase {
    private struct Tagging {
        var space: String      // ffprobe's color_space name
        var range: String      // tv | pc
        var scaleMatrix: String
        var primaries: String
    }

    private let taggings = [
        Tagging(space: "bt709", range: "tv", scaleMatrix: "bt709", primaries: "bt709"),
        Tagging(space: "bt709", range: "pc", scaleMatrix: "bt709", primaries: "bt709"),
        Tagging(space: "smpte170m", range: "pc", scaleMatrix: "bt601", primaries: "smpte170m"),
    ]

    private func makeTaggedClip(_ tagging: Tagging) throws -> String {
        let range = tagging.range == "pc" ? "full" : "limited"
        return try makeClip("in-\(tagging.space)-\(tagging.range).mp4", rate: "10", duration: 0.5, audio: false, extra: [
            "-vf", "scale=out_color_matrix=\(tagging.scaleMatrix):out_range=\(range),format=yuv420p",
            "-colorspace", tagging.space, "-color_primaries", tagging.primaries, "-color_trc", tagging.primaries,
            "-color_range", tagging.range,
        ])
    }

    private func colourTags(_ file: String) throws -> [String] {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries",
                                    "stream=color_space,color_range,color_primaries,color_transfer", file])
        let video = (json["streams"] as? [[String: Any]])?.first ?? [:]
        return ["color_space", "color_range", "color_primaries", "color_transfer"].map { video[$0] as? String ?? "unknown" }
    }

    /// The RGB Convoy filters is the RGB ffmpeg makes from the tagged source, and would not be
    /// the RGB of an untagged (BT.601, limited) reading.
    func testRGBFollowsTheSourceMatrixAndRange() throws {
        for tagging in taggings {
            let input = try makeTaggedClip(tagging)
            XCTAssertEqual(try colourTags(input), [tagging.space, tagging.range, tagging.primaries, tagging.primaries])
            let output = path("out-\(tagging.space)-\(tagging.range).nut")
            try convoySucceeds(["filter", input, "--kernel", "identity", "--codec", "rawvideo", "--pix-fmt", "gbrp", "-o", output])
            let ours = try rawFrames(output)
            let reference = try rawFrames(input)
            let untagged = RawVideo(bytes: try ffmpeg(["-i", input, "-vf", "scale=in_color_matrix=bt601:in_range=limited,format=gbrp",
                                                       "-f", "rawvideo", "-"]).stdout,
                                    width: reference.width, height: reference.height, pixelFormat: "gbrp")
            XCTAssertEqual(ours.frameCount, 5)
            for frame in 0..<ours.frameCount {
                for plane in 0..<3 {
                    let difference = PlaneDifference.compare(ours, reference, plane: plane, frame: frame, margin: 0, tolerance: 1)
                    XCTAssertEqual(difference.beyondTolerance, 0, "\(tagging.space)/\(tagging.range) plane \(plane): \(difference)")
                }
            }
            // The test can tell: reading the same clip as untagged BT.601 limited gives other colours.
            let wrong = PlaneDifference.compare(ours, untagged, plane: 0, frame: 0, margin: 0, tolerance: 3)
            XCTAssertGreaterThan(wrong.beyondTolerance, 0, "\(tagging.space)/\(tagging.range): tags make no difference?")
        }
    }

    /// The encoded output is tagged with the source's matrix, range, primaries and transfer.
    func testOutputKeepsTheColourTags() throws {
        for tagging in taggings {
            let input = try makeTaggedClip(tagging)
            let output = path("out-\(tagging.space)-\(tagging.range).mp4")
            try convoySucceeds(["filter", input, "--kernel", "gaussian", "-o", output])
            XCTAssertEqual(try colourTags(output), try colourTags(input), "\(tagging.space)/\(tagging.range)")
        }
    }
}
