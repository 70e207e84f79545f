import ConvoyNN
import ConvoyTensor
import XCTest

final class ElementwiseLayerTests: XCTestCase {
    func testReLU() {
        let layer = ReLU()
        let input = Tensor(shape: Shape(1, 2, 1, 3), values: [-2, 0, 3, 1.5, -0.25, -0])
        XCTAssertEqual(layer.outputShape(for: input.shape), input.shape)
        let output = Tensor(shape: input.shape)
        layer.forward(input, into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [0, 0, 3, 1.5, 0, 0])
        XCTAssertEqual(input.array[0], -2, "input untouched")
    }

    func testReLUInPlace() {
        let tensor = Tensor(shape: Shape(1, 1, 2, 2), values: [-1, 2, -3, 4])
        ReLU().forward(tensor, into: tensor, context: ExecutionContext())
        XCTAssertEqual(tensor.array, [0, 2, 0, 4])
    }

    /// [N=2, 4, 1, 2] → [2, 2, 1, 2]: channels (0, 1) and (2, 3) of each image pair up.
    func testChannelPairMagnitude() throws {
        let layer = ChannelPairMagnitude()
        let input = Tensor(shape: Shape(2, 4, 1, 2), values: [
            3, 0, // n0 c0: gx of pair 0
            4, -2, // n0 c1: gy of pair 0
            -5, 1, // n0 c2
            12, 0, // n0 c3
            0, 6, // n1 c0
            0, -8, // n1 c1
            1, -1, // n1 c2
            1, 1, // n1 c3
        ])
        XCTAssertEqual(layer.outputShape(for: input.shape), Shape(2, 2, 1, 2))
        let output = Tensor(shape: Shape(2, 2, 1, 2))
        layer.forward(input, into: output, context: ExecutionContext())
        let root2 = Float(2).squareRoot()
        let expected: [Float] = [5, 2, 13, 1, 0, 10, root2, root2]
        for (got, want) in zip(output.array, expected) {
            XCTAssertEqual(got, want, accuracy: 1e-6)
        }
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(1, 3, 4, 4))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .oddChannelCount(3))
        }
    }
}
