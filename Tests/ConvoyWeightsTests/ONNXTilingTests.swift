import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import XCTest

/// An imported fully convolutional ONNX model over a 3840×2160 frame runs in halo tiles, as YAML
/// models do, and equals the whole frame's result.
final class ONNXTilingTests: XCTestCase {
    func testA4KFrameInTilesEqualsTheWholeFrame() throws {
        let model = try ONNXLoader.load(path: try ONNXTestRun.fixtures() + "/tiny-features.onnx")
        let field = ReceptiveField(model: model)
        XCTAssertTrue(field.isTileable, field.untileableReason ?? "")
        var generator = SeededGenerator(seed: 4)
        let count = 3 * 2160 * 3840
        let input = Tensor(shape: Shape(1, 3, 2160, 3840), values: (0..<count).map { _ in Float.random(in: 0...1, using: &generator) })
        let context = ExecutionContext()
        let whole = model.graph.forward(input, context: context)[0].array
        let tiled = TiledForward(graph: model.graph, field: field, budgetBytes: 96 << 20)
        let result = tiled.forward(input, context: context)[0]
        XCTAssertGreaterThan(tiled.lastTileCount, 1)
        XCTAssertEqual(result.shape, Shape(1, 32, 1080, 1920))
        var worst: Float = 0
        for (a, b) in zip(result.array, whole) { worst = max(worst, abs(a - b)) }
        XCTAssertLessThanOrEqual(worst, 1e-5)
    }
}
