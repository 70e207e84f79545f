import Foundation
import XCTest

/// 10-bit and 16-bit video is filtered at 16-bit precision and written back at its own depth.
final class DeepSampleTests: ConvoyTestCase {
    private let gaussian = "[1 2 1; 2 4 2; 1 2 1]/16"
    private let ffmpegGaussian = "convolution=0m='1 2 1 2 4 2 1 2 1':0rdiv=1/16:1m='1 2 1 2 4 2 1 2 1':1rdiv=1/16:2m='1 2 1 2 4 2 1 2 1':2rdiv=1/16"

    /// 96×64, 4 frames of 10-bit 4:2:0, losslessly stored.
    private func tenBitClip() throws -> String {
        try makeClip("in10.mkv", size: "96x64", rate: "10", duration: 0.4, audio: false,
                     videoCodec: ["-c:v", "ffv1", "-pix_fmt", "yuv420p10le"])
    }

    private func samples(_ file: String) throws -> [UInt16] {
        let data = try XCTUnwrap(fileData(file), "\(file) was not written")
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
    }

    /// The largest |a − b| over the interior (one sample from each edge) of every `width`×`height`
    /// plane, planes laid out one after another as `sizes` says, frame after frame.
    private func interiorDifference(_ a: [UInt16], _ b: [UInt16], sizes: [(Int, Int)]) -> Int {
        let frameSize = sizes.reduce(0) { $0 + $1.0 * $1.1 }
        var worst = 0
        for frame in 0..<(a.count / frameSize) {
            var offset = frame * frameSize
            for (width, height) in sizes {
                for y in 1..<(height - 1) {
                    for x in 1..<(width - 1) {
                        worst = max(worst, abs(Int(a[offset + y * width + x]) - Int(b[offset + y * width + x])))
                    }
                }
                offset += width * height
            }
        }
        return worst
    }

    func testTenBitIsFilteredAtSixteenBitPrecisionAndWrittenAsTenBit() throws {
        let input = try tenBitClip()
        let ours = path("ours.yuv"), theirs = path("theirs.yuv")
        // Raw output with no --pix-fmt keeps the source's format.
        try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", gaussian, "-o", ours, "--format", "rawvideo", "-q"])
        try ffmpeg(["-i", input, "-vf", ffmpegGaussian, "-f", "rawvideo", "-pix_fmt", "yuv420p10le", theirs])
        let a = try samples(ours), b = try samples(theirs)
        XCTAssertEqual(a.count, 4 * 96 * 64 * 3 / 2, "four yuv420p10le frames")
        XCTAssertEqual(a.count, b.count)
        XCTAssertEqual(interiorDifference(a, b, sizes: [(96, 64), (48, 32), (48, 32)]), 1,
                       "ffmpeg's own 10-bit convolution, within one 10-bit level")
        // Truncated to 8 bits and back, every level would be a multiple of 4 (or off by more than 1).
        let fine = a.filter { $0 % 4 != 0 }.count
        XCTAssertGreaterThan(fine, a.count / 4, "the low two bits carry information")
        XCTAssertLessThanOrEqual(a.max() ?? 0, 1023)
    }

    func testTenBitStaysTenBitThroughTheEncoderInRGBAndYUVWork() throws {
        let input = try tenBitClip()
        for space in ["rgb", "yuv", "luma"] {
            let output = path("out-\(space).mkv")
            try convoySucceeds(["filter", input, "--space", space, "--kernel", "gaussian", "-o", output, "-q"])
            let video = try XCTUnwrap(try stream(output, type: "video"))
            XCTAssertEqual(video["pix_fmt"] as? String, "yuv420p10le", "\(space): libx264 keeps 10 bits")
            XCTAssertEqual(try decodedFrameCount(output), 4)
        }
        // Asked for, 8 bits it is.
        try convoySucceeds(["filter", input, "--kernel", "gaussian", "--pix-fmt", "yuv420p", "-o", path("eight.mkv"), "-q"])
        XCTAssertEqual(try stream(path("eight.mkv"), type: "video")?["pix_fmt"] as? String, "yuv420p")
    }

    /// Deep raw formats on stdin: yuv420p10le through the three-process pipe equals the file run;
    /// gray16le against a direct convolution computed here in integers.
    func testDeepRawFramesOnStdin() throws {
        let input = try tenBitClip()
        try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", gaussian, "-o", path("file.yuv"), "--format", "rawvideo", "-q"])
        let pipe = try shell("""
            ffmpeg -v error -i \(shellQuote(input)) -f rawvideo -pix_fmt yuv420p10le - \
            | \(shellQuote(Tools.convoy)) filter - --raw 96x64:yuv420p10le@10 --space yuv --kernel \(shellQuote(gaussian)) -o - --format rawvideo -q \
            > \(shellQuote(path("pipe.yuv")))
            """)
        XCTAssertEqual(pipe.status, 0, pipe.stderrText)
        XCTAssertEqual(fileData(path("pipe.yuv")), fileData(path("file.yuv")), "the pipe gives the same 10-bit frames as the file")

        let gray = path("in.gray16")
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "gray16le", gray])
        let result = try convoy(["filter", "-", "--raw", "96x64:gray16le@10", "--space", "luma", "--kernel", gaussian,
                                 "-o", "-", "--format", "rawvideo", "-q"], stdinFile: gray)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let source = try samples(gray)
        let filtered = result.stdout.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        XCTAssertEqual(filtered.count, source.count, "gray16le in, gray16le out")
        let weights = [1, 2, 1, 2, 4, 2, 1, 2, 1]
        var reference = source
        for frame in 0..<(source.count / (96 * 64)) {
            let base = frame * 96 * 64
            for y in 1..<63 {
                for x in 1..<95 {
                    var sum = 0
                    for dy in -1...1 {
                        for dx in -1...1 { sum += weights[(dy + 1) * 3 + dx + 1] * Int(source[base + (y + dy) * 96 + x + dx]) }
                    }
                    reference[base + y * 96 + x] = UInt16((sum + 8) / 16)
                }
            }
        }
        XCTAssertLessThanOrEqual(interiorDifference(filtered, reference, sizes: [(96, 64)]), 1,
                                 "16-bit samples filtered within one level of 65535")
    }
}
