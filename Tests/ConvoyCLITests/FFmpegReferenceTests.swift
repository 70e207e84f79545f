import Foundation
import XCTest

/// Convoy's numbers against ffmpeg's own `convolution` filter (correlation, like Convoy), with
/// lossless ffv1 on both sides so only the filtering can differ. Borders are left out: ffmpeg
/// and Convoy read outside the frame differently.
final class FFmpegReferenceTests: ConvoyTestCase {
    private let binomial = "1 2 1 2 4 2 1 2 1"
    private let binomialSpec = "[1 2 1; 2 4 2; 1 2 1]/16"

    /// ffmpeg's convolution filter with the same 3×3 matrix and divisor on planes 0, 1 and 2.
    private var referenceConvolution: String {
        "convolution=0m='\(binomial)':1m='\(binomial)':2m='\(binomial)':0rdiv=1/16:1rdiv=1/16:2rdiv=1/16"
    }

    func testRGBMatchesFFmpegConvolution() throws {
        let input = try makeClip("in.mp4", rate: "25", duration: 1, audio: false)
        let rgbFormat = Tools.ffv1RGBPixelFormat
        let reference = path("ref.mkv")
        try ffmpeg(["-i", input, "-vf", "format=gbrp,\(referenceConvolution)", "-c:v", "ffv1", "-pix_fmt", rgbFormat, reference])
        let ours = path("ours.mkv")
        try convoySucceeds(["filter", input, "--kernel", binomialSpec, "--codec", "ffv1", "--pix-fmt", rgbFormat, "-o", ours])

        let expected = try rawFrames(reference, pixelFormat: "gbrp")
        let actual = try rawFrames(ours, pixelFormat: "gbrp")
        let unfiltered = try rawFrames(input, pixelFormat: "gbrp")
        XCTAssertEqual(expected.frameCount, 25)
        XCTAssertEqual(actual.frameCount, expected.frameCount)
        XCTAssertTrue(actual.isWhole)
        assertAgree(actual, expected, margin: 2, tolerance: 1)

        // The filter did something: a no-op would leave the decoded input.
        var changed = 0, compared = 0, largest = 0
        for frame in 0..<min(actual.frameCount, unfiltered.frameCount) {
            for plane in 0..<3 {
                let difference = PlaneDifference.compare(actual, unfiltered, plane: plane, frame: frame, margin: 2, tolerance: 2)
                changed += difference.beyondTolerance
                compared += difference.compared
                largest = max(largest, difference.maximum)
            }
        }
        XCTAssertGreaterThan(Double(changed), 0.05 * Double(compared), "the output is (nearly) the unfiltered input")
        XCTAssertGreaterThan(largest, 20, "the blur changed no sample by much")
    }

    func testYUVMatchesFFmpegConvolution() throws {
        let input = try makeClip("in.mp4", rate: "25", duration: 1, audio: false)
        let reference = path("ref.mkv")
        try ffmpeg(["-i", input, "-vf", referenceConvolution, "-c:v", "ffv1", "-pix_fmt", "yuv420p", reference])
        let ours = path("ours.mkv")
        try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", binomialSpec,
                            "--codec", "ffv1", "--pix-fmt", "yuv420p", "-o", ours])

        let expected = try rawFrames(reference, pixelFormat: "yuv420p")
        let actual = try rawFrames(ours, pixelFormat: "yuv420p")
        let unfiltered = try rawFrames(input, pixelFormat: "yuv420p")
        XCTAssertEqual(expected.frameCount, 25)
        XCTAssertEqual(actual.frameCount, expected.frameCount)
        assertAgree(actual, expected, margin: 2, tolerance: 1)

        // Every plane was filtered, chroma included.
        for plane in 0..<3 {
            var changed = 0
            for frame in 0..<min(actual.frameCount, unfiltered.frameCount) {
                changed += PlaneDifference.compare(actual, unfiltered, plane: plane, frame: frame, margin: 2, tolerance: 2).beyondTolerance
            }
            XCTAssertGreaterThan(changed, 1000, "plane \(plane) was not filtered")
        }
    }

    /// A lopsided kernel tells correlation from convolution and rows from columns: a flipped or
    /// transposed matrix gives other numbers than ffmpeg's.
    func testAsymmetricKernelMatchesFFmpegOrientation() throws {
        let input = try makeClip("in.mp4", rate: "25", duration: 0.4, audio: false)
        let matrix = "0 1 0 0 2 3 0 0 2"
        let reference = path("ref.mkv")
        try ffmpeg(["-i", input, "-vf", "convolution=0m='\(matrix)':1m='\(matrix)':2m='\(matrix)':0rdiv=1/8:1rdiv=1/8:2rdiv=1/8",
                    "-c:v", "ffv1", "-pix_fmt", "yuv420p", reference])
        let ours = path("ours.mkv")
        try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", "[0 1 0; 0 2 3; 0 0 2]/8",
                            "--codec", "ffv1", "--pix-fmt", "yuv420p", "-o", ours])
        let expected = try rawFrames(reference, pixelFormat: "yuv420p")
        let actual = try rawFrames(ours, pixelFormat: "yuv420p")
        XCTAssertEqual(expected.frameCount, 10)
        XCTAssertEqual(actual.frameCount, expected.frameCount)
        assertAgree(actual, expected, margin: 2, tolerance: 1)
    }

    /// `--space luma` filters Y and leaves U and V bit for bit as decoded.
    func testLumaSpaceKeepsChromaBitExact() throws {
        let input = try makeClip("in.mp4", rate: "25", duration: 1, audio: false)
        let ours = path("ours.mkv")
        try convoySucceeds(["filter", input, "--space", "luma", "--kernel", "gaussian",
                            "--codec", "ffv1", "--pix-fmt", "yuv420p", "-o", ours])
        let decodedInput = try rawFrames(input, pixelFormat: "yuv420p")
        let actual = try rawFrames(ours, pixelFormat: "yuv420p")
        XCTAssertEqual(decodedInput.frameCount, 25)
        XCTAssertEqual(actual.frameCount, decodedInput.frameCount)
        var lumaChanged = 0
        for frame in 0..<min(actual.frameCount, decodedInput.frameCount) {
            for plane in 1...2 {
                let difference = PlaneDifference.compare(actual, decodedInput, plane: plane, frame: frame, margin: 0, tolerance: 0)
                XCTAssertEqual(difference.differing, 0, "frame \(frame) plane \(plane) changed: \(difference)")
            }
            lumaChanged += PlaneDifference.compare(actual, decodedInput, plane: 0, frame: frame, margin: 1, tolerance: 2).beyondTolerance
        }
        XCTAssertGreaterThan(lumaChanged, 25 * 1000, "luma was not filtered")
    }

    /// `--space luma --chroma neutral` gives the same filtered luma with grey (128) chroma.
    func testLumaSpaceWithNeutralChroma() throws {
        let input = try makeClip("in.mp4", rate: "25", duration: 0.4, audio: false)
        let kept = path("kept.mkv"), neutral = path("neutral.mkv")
        for (output, chroma) in [(kept, "keep"), (neutral, "neutral")] {
            try convoySucceeds(["filter", input, "--space", "luma", "--chroma", chroma, "--kernel", "sobel",
                                "--codec", "ffv1", "--pix-fmt", "yuv420p", "-o", output])
        }
        let keptFrames = try rawFrames(kept, pixelFormat: "yuv420p")
        let neutralFrames = try rawFrames(neutral, pixelFormat: "yuv420p")
        XCTAssertEqual(neutralFrames.frameCount, 10)
        XCTAssertEqual(neutralFrames.frameCount, keptFrames.frameCount)
        for frame in 0..<min(neutralFrames.frameCount, keptFrames.frameCount) {
            XCTAssertEqual(PlaneDifference.compare(neutralFrames, keptFrames, plane: 0, frame: frame, margin: 0, tolerance: 0).differing, 0,
                           "frame \(frame): luma differs between --chroma keep and neutral")
            for plane in 1...2 {
                let samples = neutralFrames.plane(plane, frame: frame)
                XCTAssertTrue(samples.allSatisfy { $0 == 128 }, "frame \(frame) plane \(plane) is not neutral: \(Set(samples).sorted().prefix(8))")
            }
        }
        let result = try convoy(["filter", input, "--space", "rgb", "--chroma", "neutral", "--kernel", "sobel", "-o", path("bad.mp4")])
        XCTAssertEqual(result.status, 64, "--chroma neutral without --space luma: \(result.summary)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.mp4")))
    }
}
