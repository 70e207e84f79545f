import Foundation
import XCTest

/// `CONVOY_ISA`: every kernel level writes the same frames, and a name that is no level is refused.
final class KernelLevelCommandTests: ConvoyTestCase {
    private func convoy(_ arguments: [String], level: String) throws -> ProcessResult {
        try ProcessRunner.run(Tools.convoy, arguments, environment: ["CONVOY_ISA": level])
    }

    /// The RGB Gaussian (swscale's 4:2:0 ↔ RGB conversion and the whole-number rows) and Sobel on luma
    /// (the magnitude rows) give byte-identical raw output at the baseline, AVX2 and AVX-512 (a
    /// level the processor lacks falls back to its widest, which must agree all the same).
    func testEveryLevelWritesTheSameFrames() throws {
        let input = try makeClip("in.mp4", size: "320x180", rate: "10", duration: 0.5, audio: false)
        for arguments in [["--kernel", "gaussian", "--space", "rgb"], ["--kernel", "sobel", "--space", "luma"]] {
            var outputs: [Data] = []
            for level in ["baseline", "avx2", "avx512"] {
                let output = path("\(arguments[1])-\(level).yuv")
                let result = try convoy(["filter", input] + arguments + ["-o", output, "--format", "rawvideo", "--pix-fmt", "yuv420p", "-q"],
                                        level: level)
                XCTAssertTrue(result.succeeded, result.summary)
                outputs.append(try XCTUnwrap(fileData(output)))
            }
            XCTAssertEqual(outputs[0].count, 5 * 320 * 180 * 3 / 2, "\(arguments)")
            XCTAssertEqual(outputs[1], outputs[0], "\(arguments): avx2 differs from the baseline")
            XCTAssertEqual(outputs[2], outputs[0], "\(arguments): avx512 differs from the baseline")
        }
    }

    func testUnknownLevelIsRefusedInOneLine() throws {
        let result = try convoy(["kernels"], level: "avx9000")
        XCTAssertEqual(result.status, 64, result.summary)
        XCTAssertEqual(result.stdout.count, 0)
        XCTAssertEqual(result.stderrLines.count, 1, "\(result.stderrLines)")
        let message = result.stderrLines.first ?? ""
        XCTAssertTrue(message.hasPrefix("convoy: CONVOY_ISA=avx9000"), message)
        XCTAssertTrue(message.contains("baseline") && message.contains("avx512"), message)
    }
}
