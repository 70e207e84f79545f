import Foundation
import XCTest

/// A stream's display matrix is applied before filtering, as ffmpeg's autorotate does;
/// `--no-autorotate` filters the stored picture and keeps the matrix.
final class RotationTests: ConvoyTestCase {
    /// out(x, y) = in(x + 1, y): a kernel whose result depends on which way the picture faces.
    private let shift = "[0 0 0; 0 0 1; 0 0 0]"
    private let ffmpegShift = "convolution=0m='0 0 0 0 0 1 0 0 0':1m='0 0 0 0 0 1 0 0 0':2m='0 0 0 0 0 1 0 0 0'"

    /// A 96×64 clip whose display matrix asks for `degrees` of rotation (as `-metadata:s:v rotate=` sets it).
    private func rotatedClip(_ degrees: Int) throws -> String {
        let stored = try makeClip("stored.mp4", size: "96x64", rate: "10", duration: 0.5, audio: false)
        let rotated = path("rotated\(degrees).mp4")
        try ffmpeg(["-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=\(degrees)", rotated])
        return rotated
    }

    private func rotation(_ file: String) throws -> String? {
        let result = try shell("ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation -of csv=p=0 \(shellQuote(file))")
        let text = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    func testFramesAreTurnedAsFFmpegTurnsThemBeforeFiltering() throws {
        for degrees in [90, 180, 270] {
            let input = try rotatedClip(degrees)
            XCTAssertNotNil(try rotation(input), "the clip carries a display matrix")
            let ours = path("ours\(degrees).yuv"), theirs = path("theirs\(degrees).yuv")
            try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", shift, "-o", ours,
                                "--format", "rawvideo", "--pix-fmt", "yuv420p", "-q"])
            try ffmpeg(["-i", input, "-vf", ffmpegShift, "-f", "rawvideo", "-pix_fmt", "yuv420p", theirs])
            let turned = degrees == 180 ? (96, 64) : (64, 96)
            let a = RawVideo(bytes: try XCTUnwrap(fileData(ours)), width: turned.0, height: turned.1, pixelFormat: "yuv420p")
            let b = RawVideo(bytes: try XCTUnwrap(fileData(theirs)), width: turned.0, height: turned.1, pixelFormat: "yuv420p")
            XCTAssertEqual(a.bytes.count, b.bytes.count, "\(degrees)°: same frame count and turned size")
            XCTAssertEqual(a.frameCount, 5)
            for frame in 0..<a.frameCount {
                for plane in 0..<3 {
                    let difference = PlaneDifference.compare(a, b, plane: plane, frame: frame, margin: 1, tolerance: 0)
                    XCTAssertEqual(difference.maximum, 0, "\(degrees)°, frame \(frame), plane \(plane): \(difference)")
                }
            }
            // The written video is upright: it carries no display matrix of its own.
            let encoded = path("upright\(degrees).mp4")
            try convoySucceeds(["filter", input, "--kernel", "box", "-o", encoded, "-q"])
            let video = try XCTUnwrap(try stream(encoded, type: "video"))
            XCTAssertEqual(video["width"] as? Int, turned.0)
            XCTAssertEqual(video["height"] as? Int, turned.1)
            XCTAssertNil(try rotation(encoded), "\(degrees)°: the turn is done, so the output has no display matrix")
        }
    }

    func testNoAutorotateFiltersTheStoredPictureAndKeepsTheDisplayMatrix() throws {
        let input = try rotatedClip(90)
        let ours = path("ours.yuv"), theirs = path("theirs.yuv")
        try convoySucceeds(["filter", input, "--no-autorotate", "--space", "yuv", "--kernel", shift, "-o", ours,
                            "--format", "rawvideo", "--pix-fmt", "yuv420p", "-q"])
        try ffmpeg(["-noautorotate", "-i", input, "-vf", ffmpegShift, "-f", "rawvideo", "-pix_fmt", "yuv420p", theirs])
        let a = RawVideo(bytes: try XCTUnwrap(fileData(ours)), width: 96, height: 64, pixelFormat: "yuv420p")
        let b = RawVideo(bytes: try XCTUnwrap(fileData(theirs)), width: 96, height: 64, pixelFormat: "yuv420p")
        XCTAssertEqual(a.bytes.count, b.bytes.count)
        for frame in 0..<a.frameCount {
            XCTAssertEqual(PlaneDifference.compare(a, b, plane: 0, frame: frame, margin: 1, tolerance: 0).maximum, 0, "frame \(frame)")
        }
        let encoded = path("kept.mp4")
        try convoySucceeds(["filter", input, "--no-autorotate", "--kernel", "box", "-o", encoded, "-q"])
        let video = try XCTUnwrap(try stream(encoded, type: "video"))
        XCTAssertEqual(video["width"] as? Int, 96)
        XCTAssertEqual(video["height"] as? Int, 64)
        XCTAssertEqual(try rotation(encoded), try rotation(input), "the display matrix is copied")
        // The features command turns frames too: the maps of the rotated clip are tall (the
        // model halves each side: 32 channels of 48×32), the stored ones wide.
        let model = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let header = { (file: String) -> String in String(decoding: (self.fileData(file) ?? Data()).prefix(128), as: UTF8.self) }
        try convoySucceeds(["features", input, "--model", model, "-o", path("turned.npy"), "-q"])
        XCTAssertTrue(header(path("turned.npy")).contains("(5, 32, 48, 32)"), header(path("turned.npy")))
        try convoySucceeds(["features", input, "--no-autorotate", "--model", model, "-o", path("stored.npy"), "-q"])
        XCTAssertTrue(header(path("stored.npy")).contains("(5, 32, 32, 48)"), header(path("stored.npy")))
    }
}
