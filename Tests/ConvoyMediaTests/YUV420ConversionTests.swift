import CConvoyCPU
import CFFmpeg
import ConvoyMedia
import Foundation
import XCTest

/// Convoy's own 4:2:0 ↔ planar RGB conversion (`YUV420Conversion`, behind `Scaler`) against
/// swscale's (`Scaler`'s default, what every run uses) on real decoded video:
/// no sample may differ by more than one level, and almost all must be equal; and every kernel
/// variant this processor runs (baseline, AVX2, AVX-512) must give the baseline's bytes.
final class YUV420ConversionTests: XCTestCase {
    private let width = 320, height = 180

    private func makeClip(colour: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-yuv420-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("clip.mkv").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // testsrc2 has sharp coloured edges (the bicubic's overshoot, clipped) and smooth ramps;
        // noise on top makes every chroma sample differ from its neighbours.
        process.arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                             "testsrc2=size=\(width)x\(height):rate=10:duration=0.5,noise=alls=30:allf=t",
                             "-pix_fmt", "yuv420p"] + colour + ["-c:v", "ffv1", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("ffmpeg could not make the test clip") }
        return path
    }

    /// Every pair of equal-size images: the largest sample difference and how many samples differ.
    private func compare(_ a: PlanarImage, _ b: PlanarImage) -> (largest: Int, differing: Int, total: Int) {
        var largest = 0, differing = 0, total = 0
        for plane in a.planes.indices {
            let p = a.planes[plane]
            for y in 0..<p.height {
                for x in 0..<p.width {
                    let d = abs(Int(a.plane(plane)[y * p.stride + x]) - Int(b.plane(plane)[y * p.stride + x]))
                    largest = max(largest, d)
                    differing += d > 0 ? 1 : 0
                    total += 1
                }
            }
        }
        return (largest, differing, total)
    }

    /// `frame` (yuv420p) as a PlanarImage: swscale copies a picture to its own format and size as it is.
    private func yuvImage(_ frame: Frame) throws -> PlanarImage {
        let image = PlanarImage(width: frame.width, height: frame.height, pixelFormat: AV_PIX_FMT_YUV420P)
        try Scaler(color: ColorProperties(), ownConversions: false).convert(frame, into: image)
        return image
    }

    private func checkBothWays(colour: [String]) throws {
        let reader = try VideoReader(try makeClip(colour: colour), threads: 1)
        let own = Scaler(color: reader.color, ownConversions: true), reference = Scaler(color: reader.color, ownConversions: false)
        var frames = 0, differing = 0
        try reader.decode { event in
            guard case .frame(let decoded) = event else { return true }
            let mine = PlanarImage(width: self.width, height: self.height, pixelFormat: WorkingFormat.rgb)
            let theirs = PlanarImage(width: self.width, height: self.height, pixelFormat: WorkingFormat.rgb)
            try own.convert(decoded.frame, into: mine)
            try reference.convert(decoded.frame, into: theirs)
            let up = self.compare(mine, theirs)
            XCTAssertLessThanOrEqual(up.largest, 1, "YUV → RGB, frame \(decoded.index)")
            XCTAssertLessThan(Double(up.differing), 0.01 * Double(up.total), "YUV → RGB, frame \(decoded.index)")
            // Back from the same RGB picture, both ways.
            let pixelFormat = reader.pixelFormat
            let back = try own.convert(theirs, width: self.width, height: self.height, pixelFormat: pixelFormat)
            let backReference = try reference.convert(theirs, width: self.width, height: self.height, pixelFormat: pixelFormat)
            let down = self.compare(try self.yuvImage(back), try self.yuvImage(backReference))
            XCTAssertLessThanOrEqual(down.largest, 1, "RGB → YUV, frame \(decoded.index)")
            XCTAssertLessThan(Double(down.differing), 0.15 * Double(down.total), "RGB → YUV, frame \(decoded.index)")
            differing += up.differing + down.differing
            // Each kernel variant gives the baseline's bytes.
            let previous = convoy_isa_set(Int32(CONVOY_ISA_BASELINE))
            defer { _ = convoy_isa_set(previous) }
            let baseline = PlanarImage(width: self.width, height: self.height, pixelFormat: WorkingFormat.rgb)
            try own.convert(decoded.frame, into: baseline)
            let baselineBack = try self.yuvImage(try own.convert(theirs, width: self.width, height: self.height, pixelFormat: pixelFormat))
            for level in Int32(CONVOY_ISA_AVX2)...convoy_isa_supported() {
                _ = convoy_isa_set(level)
                let variant = PlanarImage(width: self.width, height: self.height, pixelFormat: WorkingFormat.rgb)
                try own.convert(decoded.frame, into: variant)
                XCTAssertEqual(self.compare(variant, baseline).differing, 0, "level \(level), YUV → RGB")
                let variantBack = try self.yuvImage(try own.convert(theirs, width: self.width, height: self.height, pixelFormat: pixelFormat))
                XCTAssertEqual(self.compare(variantBack, baselineBack).differing, 0, "level \(level), RGB → YUV")
            }
            frames += 1
            return true
        }
        XCTAssertEqual(frames, 5)
        // The own conversion ran: it rounds differently from swscale here and there.
        XCTAssertGreaterThan(differing, 0)
    }

    /// Untagged video (BT.601, limited range, as swscale assumes).
    func testUntaggedLimitedRangeMatchesSwscaleWithinOneLevel() throws {
        try checkBothWays(colour: [])
    }

    /// BT.709, full range.
    func testBT709FullRangeMatchesSwscaleWithinOneLevel() throws {
        try checkBothWays(colour: ["-colorspace", "bt709", "-color_range", "pc"])
    }
}
