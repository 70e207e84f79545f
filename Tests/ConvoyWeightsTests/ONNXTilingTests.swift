import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import XCTest

/// An imported fully convolutional ONNX model over a frame too large for the memory budget runs
/// in halo tiles, as YAML models do, and equals the whole frame's result.
///
/// A 3840×2160 frame is over the default budget, so it would run in tiles; the run itself is
/// on a 960×540 frame with a budget a sixteenth of the 96 MiB a 4K frame would get, so the frame
/// is cut into as many strips as the 4K frame is, at a sixteenth of the work.
final class ONNXTilingTests: XCTestCase {
    func testAFrameOverTheBudgetInTilesEqualsTheWholeFrame() throws {
        let model = try ONNXLoader.load(path: try ONNXTestRun.fixtures() + "/tiny-features.onnx")
        let field = ReceptiveField(model: model)
        XCTAssertTrue(field.isTileable, field.untileableReason ?? "")
        let ultraHD = Shape(1, 3, 2160, 3840)
        XCTAssertGreaterThan(try TiledForward(graph: model.graph, field: field).estimatedPeakBytes(for: ultraHD),
                             TiledForward.defaultBudgetBytes)

        let (height, width) = (540, 960)
        var generator = SeededGenerator(seed: 4)
        let input = Tensor(shape: Shape(1, 3, height, width), values: (0..<(3 * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
        let context = ExecutionContext()
        let whole = model.graph.forward(input, context: context)[0].array
        let tiled = TiledForward(graph: model.graph, field: field, budgetBytes: (96 << 20) / 16)
        let result = tiled.forward(input, context: context)[0]
        XCTAssertEqual(result.shape, Shape(1, 32, height / 2, width / 2))
        // Several strips, each thinner than the frame: every seam between them has a halo to get right.
        XCTAssertGreaterThan(tiled.lastTileCount, 4)
        let tile = try XCTUnwrap(tiled.lastTileSize)
        XCTAssertLessThan(tile.height, height / 4)
        var worst: Float = 0
        for (a, b) in zip(result.array, whole) { worst = max(worst, abs(a - b)) }
        XCTAssertLessThanOrEqual(worst, 1e-5)
    }
}
