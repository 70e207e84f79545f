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
}
