import ConvoyMedia
import Foundation
import XCTest

/// `VideoWriter` and `VideoReader` against each other through a lossless codec (FFV1 holding
/// 8-bit RGB): every picture, timestamp and frame must come back as it was written.
final class VideoRoundTripTests: XCTestCase {
    private let width = 48, height = 32, frames = 7

    /// Frame `index` of a moving diagonal gradient, a different pattern in each plane.
    private func picture(_ index: Int) -> PlanarImage {
        let image = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
        for plane in 0..<3 {
            let stride = image.planes[plane].stride
            for y in 0..<height {
                for x in 0..<width {
                    image.plane(plane)[y * stride + x] = UInt8((x * (plane + 1) + y * 3 + index * 11) % 256)
                }
            }
        }
        return image
    }

    /// A fresh folder, removed when the test ends.
    private func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-media-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// Writes pictures 0, 1, … (one per entry of `stamps`, at that time, one time-base unit long) losslessly to `path`.
    private func writeClip(_ path: String, stamps: [Int64]) throws {
        let picture = VideoEncoder.Picture(width: width, height: height, timeBase: .init(num: 1, den: 25),
                                           frameRate: .init(num: 25, den: 1), color: ColorProperties())
        let writer = try VideoWriter(target: path, format: nil, settings: EncoderSettings(codec: "ffv1", pixelFormat: "bgr0"),
                                     picture: picture)
        for (index, stamp) in stamps.enumerated() {
            let image = self.picture(index)
            image.timestamp = stamp
            image.duration = 1
            try writer.write(image)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the target appears only when the file is finished")
        try writer.finish()
    }

    func testLosslessRoundTripKeepsPicturesTimestampsAndCount() throws {
        let directory = try makeDirectory()
        let path = directory.appendingPathComponent("roundtrip.mkv").path
        // Timestamps with a gap, as variable-frame-rate input has them.
        let stamps: [Int64] = [0, 1, 2, 4, 5, 6, 9]
        try writeClip(path, stamps: stamps)

        let reader = try VideoReader(path, threads: 1)
        XCTAssertEqual(reader.width, width)
        XCTAssertEqual(reader.height, height)
        XCTAssertTrue(WorkingFormat.isRGB(reader.pixelFormat))
        let scaler = Scaler(color: reader.color)
        var seen: [(index: Int, seconds: Double)] = []
        try reader.decode { event in
            guard case .frame(let decoded) = event else { XCTFail("unexpected \(event)"); return true }
            let image = PlanarImage(width: self.width, height: self.height, pixelFormat: WorkingFormat.rgb)
            try scaler.convert(decoded.frame, into: image)
            let expected = self.picture(decoded.index)
            for plane in 0..<3 {
                let stride = image.planes[plane].stride
                for y in 0..<self.height {
                    for x in 0..<self.width where image.plane(plane)[y * stride + x] != expected.plane(plane)[y * stride + x] {
                        XCTFail("frame \(decoded.index), plane \(plane), (\(x), \(y)) differs")
                        return false
                    }
                }
            }
            seen.append((decoded.index, reader.seconds(decoded.timestamp)))
            return true
        }
        XCTAssertEqual(seen.map(\.index), Array(0..<frames))
        for (got, stamp) in zip(seen.map(\.seconds), stamps) {
            XCTAssertEqual(got, Double(stamp) / 25, accuracy: 1e-9)
        }
        XCTAssertEqual(try VideoReader(path, threads: 1).countFrames(), frames)
    }

    func testStoppingAtAFrameEndsTheLoop() throws {
        let directory = try makeDirectory()
        let path = directory.appendingPathComponent("stop.mkv").path
        try writeClip(path, stamps: (0..<Int64(frames)).map { $0 })
        var count = 0
        try VideoReader(path, threads: 1).decode { _ in
            count += 1
            return count < 3
        }
        XCTAssertEqual(count, 3, "the handler's false stops the loop at once")
    }

    func testDiscardLeavesNoFile() throws {
        let directory = try makeDirectory()
        let path = directory.appendingPathComponent("discarded.mkv").path
        let picture = VideoEncoder.Picture(width: width, height: height, timeBase: .init(num: 1, den: 25),
                                           frameRate: nil, color: ColorProperties())
        let writer = try VideoWriter(target: path, format: nil, settings: EncoderSettings(codec: "ffv1"), picture: picture)
        try writer.write(self.picture(0))
        writer.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "neither target nor temporary remains")
    }
}
