import ConvoyMedia
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import XCTest

/// `ModelProcessor` over `TiledForward`: how a batch is grouped and cut must not change the
/// pictures.
final class ModelProcessorTests: XCTestCase {
    /// A batch over the budget runs as groups of whole frames (`framesPerRun`), so
    /// `ModelProcessor` cuts frames into tiles only when one frame alone is over the budget; each
    /// way gives the whole batch's pictures.
    func testModelProcessorRunsGroupsOfWholeFramesBeforeTiles() throws {
        var random = SplitMix64(seed: 9)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try Self.conv(3, 8, random: &random)), inputs: [Graph.inputName]),
            .init(name: "r1", operation: .layer(ReLU()), inputs: ["c1"]),
            .init(name: "c2", operation: .layer(try Self.conv(8, 3, random: &random)), inputs: ["r1"]),
        ], outputs: ["c2"])
        let (width, height) = (40, 32)
        let frame = Shape(1, 3, height, width)
        let perFrame = try TiledForward(graph: graph, field: nil).estimatedPeakBytes(for: frame)
        let sizing = TiledForward(graph: graph, field: nil, budgetBytes: 2 * perFrame)
        XCTAssertEqual(sizing.framesPerRun(frameShape: frame, batch: 5), 2)
        XCTAssertEqual(sizing.framesPerRun(frameShape: frame, batch: 1), 1)
        sizing.budgetBytes = perFrame / 2
        XCTAssertEqual(sizing.framesPerRun(frameShape: frame, batch: 5), 1, "one frame over the budget still runs, in tiles")
        sizing.budgetBytes = 100 * perFrame
        XCTAssertEqual(sizing.framesPerRun(frameShape: frame, batch: 5), 5)

        func run(budget: Int) throws -> (planes: [UInt8], tiles: Int) {
            var samples = SplitMix64(seed: 4)
            let images = (0..<5).map { _ -> PlanarImage in
                let image = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
                for plane in image.planes.indices {
                    for index in 0..<(image.planes[plane].stride * height) {
                        image.plane(plane)[index] = UInt8.random(in: 0...255, using: &samples)
                    }
                }
                return image
            }
            let processor = try ModelProcessor(graph: graph, inputChannels: 3, name: "test")
            processor.activationBudget = budget
            try processor.prepare(layout: images[0].planes, batch: 5)
            let results = processor.process(images, context: ExecutionContext())
            let planes = results.flatMap { image in
                image.planes.indices.flatMap { plane in
                    (0..<height).flatMap { y in (0..<width).map { image.plane(plane)[y * image.planes[plane].stride + $0] } }
                }
            }
            return (planes, processor.lastTileCount)
        }
        let whole = try run(budget: 100 * perFrame)
        let groups = try run(budget: 2 * perFrame)
        XCTAssertEqual(groups.tiles, 1, "two frames per run, none cut")
        XCTAssertEqual(groups.planes, whole.planes)
        let tiled = try run(budget: perFrame / 3)
        XCTAssertGreaterThan(tiled.tiles, 1)
        let differences = zip(tiled.planes, whole.planes).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(differences.max() ?? 0, 1, "tiles give the whole frame's levels, within a rounding tie")
    }

    /// A 3×3 convolution, padded to keep the size, with weights uniform in ±1/sqrt(fan-in) and a
    /// small bias.
    private static func conv(_ inChannels: Int, _ outChannels: Int, random: inout SplitMix64) throws -> Conv2d {
        let bound = 1 / Float(inChannels * 9).squareRoot()
        func uniform(_ scale: Float) -> Float { (Float(random.next() >> 40) / Float(1 << 23) - 1) * scale }
        let weight = Shape(outChannels, inChannels, 3, 3)
        return try Conv2d(weight: Tensor(shape: weight, values: (0..<weight.count).map { _ in uniform(bound) }),
                          bias: Tensor(shape: Shape(outChannels), values: (0..<outChannels).map { _ in uniform(0.1) }),
                          padding: (1, 1))
    }
}
