import Foundation
import XCTest

/// Convoy's 4:2:0 ↔ planar RGB conversions give ffmpeg's bytes (both are libswscale's bicubic with
/// the same matrix and range), at every kernel level: `--space rgb` filters the pictures ffmpeg
/// would, and `--kernel identity` round trips are ffmpeg's conversions exactly.
final class SwscaleExactnessTests: ConvoyTestCase {
    private let levels = ["baseline", "avx2", "avx512"]

    /// Untagged (BT.601, limited range) yuv420p with noise, so that neighbouring chroma samples differ.
    private func makeNoisyClip(_ name: String, width: Int, height: Int) throws -> String {
        let output = path(name)
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(width + 1)x\(height + 1):rate=10:duration=0.5,noise=alls=30:allf=t,scale=\(width):\(height)",
                    "-pix_fmt", "yuv420p", "-c:v", "ffv1", output])
        return output
    }

    private func convoy(_ arguments: [String], level: String, stdinFile: String? = nil) throws -> ProcessResult {
        let result = try ProcessRunner.run(Tools.convoy, arguments, stdinFile: stdinFile, environment: ["CONVOY_ISA": level])
        XCTAssertTrue(result.succeeded, result.summary)
        return result
    }

    /// yuv420p → RGB: convoy's planar RGB frames (identity kernel, written as raw gbrp) equal
    /// `ffmpeg -pix_fmt gbrp`'s, for an even and an odd size.
    func testYUVToRGBIsFFmpegsBytes() throws {
        for (width, height) in [(320, 180), (97, 61)] {
            let input = try makeNoisyClip("in-\(width).mkv", width: width, height: height)
            let reference = path("reference-\(width).gbrp")
            try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "gbrp", reference])
            let expected = try XCTUnwrap(fileData(reference))
            XCTAssertEqual(expected.count, 5 * width * height * 3)
            for level in levels {
                let output = path("convoy-\(width)-\(level).gbrp")
                try convoy(["filter", input, "--kernel", "identity", "--space", "rgb", "-o", output,
                            "--format", "rawvideo", "--pix-fmt", "gbrp", "-q", "-y"], level: level)
                XCTAssertTrue(fileData(output) == expected, "\(width)x\(height), CONVOY_ISA=\(level): not ffmpeg's gbrp bytes")
            }
        }
    }

    /// RGB → yuv420p: raw gbrp frames through convoy's RGB working space (identity kernel) equal
    /// `ffmpeg -pix_fmt yuv420p`'s conversion of the same frames.
    func testRGBToYUVIsFFmpegsBytes() throws {
        let (width, height) = (320, 180)
        let input = try makeNoisyClip("in.mkv", width: width, height: height)
        let rgb = path("in.gbrp"), reference = path("reference.yuv")
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "gbrp", rgb])
        try ffmpeg(["-f", "rawvideo", "-pix_fmt", "gbrp", "-s", "\(width)x\(height)", "-i", rgb, "-f", "rawvideo", "-pix_fmt", "yuv420p", reference])
        let expected = try XCTUnwrap(fileData(reference))
        XCTAssertEqual(expected.count, 5 * width * height * 3 / 2)
        for level in levels {
            let output = path("convoy-\(level).yuv")
            try convoy(["filter", "-", "--raw", "\(width)x\(height):gbrp@10", "--kernel", "identity", "--space", "rgb", "-o", output,
                        "--format", "rawvideo", "--pix-fmt", "yuv420p", "-q", "-y"], level: level, stdinFile: rgb)
            XCTAssertTrue(fileData(output) == expected, "CONVOY_ISA=\(level): not ffmpeg's yuv420p bytes")
        }
    }
}
