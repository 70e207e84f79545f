import ConvoyMedia
import ConvoyPipeline
import ConvoyTensor
import XCTest

final class FrameBatcherTests: XCTestCase {
    func testPlaneGroupsFollowPlaneSizes() {
        let yuv420 = PlanarImage(width: 7, height: 5, pixelFormat: WorkingFormat.yuv(for: .init(rawValue: 0))).planes
        XCTAssertEqual(yuv420.map { [$0.width, $0.height] }, [[7, 5], [4, 3], [4, 3]], "chroma sizes round up")
        XCTAssertTrue(yuv420.allSatisfy { $0.stride % 64 == 0 && $0.stride >= $0.width })
        XCTAssertEqual(PlaneGroup.groups(for: .yuv, planes: yuv420).map(\.planes), [[0], [1, 2]])
        XCTAssertEqual(PlaneGroup.groups(for: .luma, planes: yuv420).map(\.planes), [[0]])
        let rgb = PlanarImage(width: 7, height: 5, pixelFormat: WorkingFormat.rgb).planes
        XCTAssertEqual(PlaneGroup.groups(for: .rgb, planes: rgb), [PlaneGroup(planes: [0, 1, 2], width: 7, height: 5)])
    }

    func testPackScalesToUnitRangeInNCHWOrderAndUnpackRoundTrips() {
        let images = (0..<3).map { n -> PlanarImage in
            let image = PlanarImage(width: 5, height: 4, pixelFormat: WorkingFormat.rgb)
            for c in 0..<3 {
                for y in 0..<4 {
                    for x in 0..<5 { image.plane(c)[y * image.planes[c].stride + x] = UInt8((n * 60 + c * 20 + y * 5 + x) % 256) }
                }
            }
            return image
        }
        let group = PlaneGroup(planes: [0, 1, 2], width: 5, height: 4)
        let batcher = FrameBatcher(group: group, capacity: 4)
        let tensor = batcher.pack(images)
        XCTAssertEqual(tensor.shape, Shape(3, 3, 4, 5))
        XCTAssertEqual(tensor[n: 2, c: 1, h: 3, w: 4], Float(2 * 60 + 20 + 15 + 4) / 255, accuracy: 1e-7)
        XCTAssertEqual(tensor[n: 0, c: 0, h: 0, w: 0], 0)
        // A round trip through floats gives the same bytes.
        let before = images.map { image in (0..<3).map { c in (0..<4).flatMap { y in (0..<5).map { image.plane(c)[y * image.planes[c].stride + $0] } } } }
        FrameBatcher.unpack(tensor, into: images, group: group)
        let after = images.map { image in (0..<3).map { c in (0..<4).flatMap { y in (0..<5).map { image.plane(c)[y * image.planes[c].stride + $0] } } } }
        XCTAssertEqual(before, after)
    }

    func testUnpackRoundsAndClamps() {
        let image = PlanarImage(width: 6, height: 1, pixelFormat: WorkingFormat.yuv(for: .init(rawValue: 0)))
        let group = PlaneGroup(planes: [0], width: 6, height: 1)
        let values: [Float] = [-0.5, 1.5, .nan, 10.4 / 255, 10.6 / 255, 254.6 / 255]
        FrameBatcher.unpack(Tensor(shape: Shape(1, 1, 1, 6), values: values), into: [image], group: group)
        XCTAssertEqual((0..<6).map { image.plane(0)[$0] }, [0, 255, 0, 10, 11, 255])
    }

    func testSmallerLastBatchReusesTheTensor() {
        let group = PlaneGroup(planes: [0], width: 8, height: 8)
        let batcher = FrameBatcher(group: group, capacity: 4)
        let make = { PlanarImage(width: 8, height: 8, pixelFormat: WorkingFormat.yuv(for: .init(rawValue: 0))) }
        let full = batcher.pack((0..<4).map { _ in make() })
        let last = batcher.pack([make()])
        XCTAssertEqual(last.shape, Shape(1, 1, 8, 8))
        XCTAssertTrue(full.storage === last.storage, "the last, partial batch uses the same storage")
    }

    /// Frames taller than a band (128 rows) packed and unpacked by two threads: every sample in
    /// its NCHW place, 8-bit and 10-bit, and the round trip gives the same levels back.
    func testBandsSharedAmongWorkersCoverEveryRow() {
        for format in [WorkingFormat.rgb, WorkingFormat.deepRGB] {
            let (width, height) = (37, 300)
            let images = (0..<2).map { n -> PlanarImage in
                let image = PlanarImage(width: width, height: height, pixelFormat: format)
                for c in 0..<3 {
                    for y in 0..<height {
                        for x in 0..<width {
                            let level = (n * 7 + c * 11 + y * 3 + x) % (image.maxLevel + 1)
                            if image.bytesPerSample == 1 {
                                image.plane(c)[y * image.planes[c].stride + x] = UInt8(level)
                            } else {
                                image.plane16(c)[y * image.planes[c].stride / 2 + x] = UInt16(level)
                            }
                        }
                    }
                }
                return image
            }
            let group = PlaneGroup(planes: [0, 1, 2], width: width, height: height)
            let tensor = FrameBatcher(group: group, capacity: 2).pack(images, workers: 2)
            let top = Float(images[0].maxLevel)
            for (n, c, y, x) in [(0, 0, 0, 0), (1, 2, 299, 36), (0, 1, 128, 5), (1, 0, 255, 20), (1, 1, 256, 0)] {
                let level = (n * 7 + c * 11 + y * 3 + x) % (images[0].maxLevel + 1)
                XCTAssertEqual(tensor[n: n, c: c, h: y, w: x], Float(level) / top, accuracy: 1e-7, "\(format) \((n, c, y, x))")
            }
            let copies = (0..<2).map { _ in PlanarImage(width: width, height: height, pixelFormat: format) }
            FrameBatcher.unpack(tensor, into: copies, group: group, workers: 2)
            for (image, copy) in zip(images, copies) {
                for c in 0..<3 {
                    for y in Swift.stride(from: 0, to: height, by: 13) {
                        for x in 0..<width {
                            if image.bytesPerSample == 1 {
                                XCTAssertEqual(copy.plane(c)[y * copy.planes[c].stride + x], image.plane(c)[y * image.planes[c].stride + x])
                            } else {
                                XCTAssertEqual(copy.plane16(c)[y * copy.planes[c].stride / 2 + x],
                                               image.plane16(c)[y * image.planes[c].stride / 2 + x])
                            }
                        }
                    }
                }
            }
        }
    }
}
