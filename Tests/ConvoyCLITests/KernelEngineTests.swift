import Foundation
import XCTest

/// `--engine direct` (the default for fixed kernels) and `--engine im2col` give the same pictures.
final class KernelEngineTests: ConvoyTestCase {
    func testDirectAndIm2colEnginesAgree() throws {
        let input = try makeClip("in.mp4", size: "160x90", rate: "10", duration: 0.5, audio: false)
        let cases: [[String]] = [
            ["--kernel", "gaussian", "--space", "rgb"],
            ["--kernel", "sobel", "--space", "luma", "--chroma", "neutral"],
            ["--kernel", "box:size=5", "--kernel", "sharpen", "--space", "yuv", "--border", "reflect"],
            ["--kernel", "emboss", "--space", "rgb", "--border", "zero"],
        ]
        for (index, arguments) in cases.enumerated() {
            var outputs: [RawVideo] = []
            for engine in ["direct", "im2col"] {
                let output = path("\(index)-\(engine).yuv")
                try convoySucceeds(["filter", input] + arguments + ["--engine", engine, "-o", output,
                                                                   "--format", "rawvideo", "--pix-fmt", "yuv444p", "-q"])
                outputs.append(RawVideo(bytes: try XCTUnwrap(fileData(output)), width: 160, height: 90, pixelFormat: "yuv444p"))
            }
            XCTAssertEqual(outputs[0].frameCount, 5)
            XCTAssertEqual(outputs[0].bytes.count, outputs[1].bytes.count)
            for frame in 0..<outputs[0].frameCount {
                for plane in 0..<3 {
                    let difference = PlaneDifference.compare(outputs[0], outputs[1], plane: plane, frame: frame, margin: 0, tolerance: 1)
                    // Sums in another order may round a tie the other way; never by more than a level.
                    XCTAssertEqual(difference.beyondTolerance, 0, "\(arguments) frame \(frame) plane \(plane): \(difference)")
                    XCTAssertLessThan(difference.differing, difference.compared / 20, "\(arguments): \(difference)")
                }
            }
        }
    }
}
