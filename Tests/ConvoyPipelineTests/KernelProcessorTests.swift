import ConvoyFilters
import ConvoyMedia
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import XCTest

/// Which engine `KernelProcessor` runs, and that both engines write the same planes.
final class KernelProcessorTests: XCTestCase {
    private func images(_ count: Int, width: Int, height: Int) -> [PlanarImage] {
        var generator = SplitMix64(seed: 5)
        return (0..<count).map { _ in
            let image = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
            for plane in image.planes.indices {
                let stride = image.planes[plane].stride
                for y in 0..<height {
                    for x in 0..<width { image.plane(plane)[y * stride + x] = UInt8.random(in: 0...255, using: &generator) }
                }
            }
            return image
        }
    }

    func testAutoPicksTheDirectEngineWhenTheKernelsFitAndIm2colOtherwise() throws {
        let kernels = [try KernelSpec.parse("gaussian")]
        let layout = images(1, width: 32, height: 16)[0].planes
        let auto = KernelProcessor(kernels: kernels, border: .replicate, space: .rgb)
        XCTAssertNil(auto.activeEngine)
        try auto.prepare(layout: layout, batch: 2)
        XCTAssertEqual(auto.activeEngine, .direct)
        let forced = KernelProcessor(kernels: kernels, border: .replicate, space: .rgb)
        forced.engine = .im2col
        try forced.prepare(layout: layout, batch: 2)
        XCTAssertEqual(forced.activeEngine, .im2col)
        let tiny = KernelProcessor(kernels: [try KernelSpec.parse("box:size=5")], border: .replicate, space: .rgb)
        try tiny.prepare(layout: images(1, width: 4, height: 4)[0].planes, batch: 2)
        XCTAssertEqual(tiny.activeEngine, .im2col, "planes narrower than the kernel take the im2col path")
        let layer = KernelProcessor(space: .rgb, makeLayer: { try FilterChain(specs: ["gaussian"], border: .replicate).makeLayer() })
        try layer.prepare(layout: layout, batch: 2)
        XCTAssertEqual(layer.activeEngine, .im2col, "a processor made from a layer has no kernels to stream")
    }

    func testTheDirectEngineTakesOneFramePerWorkerAndIm2colTheWholeBatch() throws {
        let kernels = [try KernelSpec.parse("gaussian")]
        let layout = images(1, width: 32, height: 16)[0].planes
        let direct = KernelProcessor(kernels: kernels, border: .replicate, space: .rgb)
        try direct.prepare(layout: layout, batch: 8)
        XCTAssertEqual(direct.framesPerCall(batch: 8, workers: 2), 2, "no batch tensor: a frame per worker is enough")
        XCTAssertEqual(direct.framesPerCall(batch: 8, workers: 12), 8, "never more than the batch")
        XCTAssertEqual(direct.framesPerCall(batch: 8, workers: 0), 1)
        let im2col = KernelProcessor(kernels: kernels, border: .replicate, space: .rgb)
        im2col.engine = .im2col
        try im2col.prepare(layout: layout, batch: 8)
        XCTAssertEqual(im2col.framesPerCall(batch: 8, workers: 2), 8, "one GEMM over the whole batch")
    }

    func testBothEnginesWriteTheSamePlanes() throws {
        let kernels = [try KernelSpec.parse("gaussian"), try KernelSpec.parse("sobel")]
        var results: [[UInt8]] = []
        for engine in [KernelEngine.direct, .im2col] {
            let processor = KernelProcessor(kernels: kernels, border: .reflect, space: .rgb)
            processor.engine = engine
            let batch = images(3, width: 40, height: 24)
            try processor.prepare(layout: batch[0].planes, batch: 3)
            XCTAssertEqual(processor.activeEngine, engine)
            let out = processor.process(batch, context: ExecutionContext(threads: 2))
            results.append(out.flatMap { image in
                image.planes.indices.flatMap { plane in
                    (0..<24).flatMap { y in (0..<40).map { image.plane(plane)[y * image.planes[plane].stride + $0] } }
                }
            })
        }
        XCTAssertEqual(results[0].count, results[1].count)
        let differences = zip(results[0], results[1]).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(differences.max() ?? 99, 1, "at most a rounding tie apart")
        XCTAssertLessThan(differences.filter { $0 > 0 }.count, differences.count / 20)
        XCTAssertNotEqual(results[0], images(3, width: 40, height: 24).flatMap { image in
            image.planes.indices.flatMap { plane in
                (0..<24).flatMap { y in (0..<40).map { image.plane(plane)[y * image.planes[plane].stride + $0] } }
            }
        }, "the planes were filtered")
    }
}
