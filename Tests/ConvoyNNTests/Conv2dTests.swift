import ConvoyNN
import ConvoyTensor
import XCTest

final class Conv2dTests: XCTestCase {
    private func weight(_ dims: Int...) -> Tensor {
        Tensor(shape: Shape(dims))
    }

    private func assertThrows(_ expected: LayerConfigurationError, file: StaticString = #filePath, line: UInt = #line, _ make: () throws -> Conv2d) {
        XCTAssertThrowsError(try make(), file: file, line: line) { error in
            XCTAssertEqual(error as? LayerConfigurationError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), "one-line description", file: file, line: line)
        }
    }

    func testInitRejectsBadConfiguration() {
        assertThrows(.weightNotRank4(Shape(3, 3))) { try Conv2d(weight: self.weight(3, 3), bias: nil) }
        assertThrows(.emptyWeight(Shape(2, 0, 3, 3))) { try Conv2d(weight: self.weight(2, 0, 3, 3), bias: nil) }
        assertThrows(.nonPositiveGroups(0)) { try Conv2d(weight: self.weight(2, 1, 3, 3), bias: nil, groups: 0) }
        assertThrows(.outChannelsNotDivisibleByGroups(outChannels: 3, groups: 2)) {
            try Conv2d(weight: self.weight(3, 1, 3, 3), bias: nil, groups: 2)
        }
        assertThrows(.biasShapeMismatch(expected: Shape(4), actual: Shape(3))) {
            try Conv2d(weight: self.weight(4, 1, 3, 3), bias: Tensor(shape: Shape(3)))
        }
        assertThrows(.biasShapeMismatch(expected: Shape(4), actual: Shape(1, 4))) {
            try Conv2d(weight: self.weight(4, 1, 3, 3), bias: Tensor(shape: Shape(1, 4)))
        }
        assertThrows(.nonPositiveStride(y: 1, x: 0)) { try Conv2d(weight: self.weight(1, 1, 3, 3), bias: nil, stride: (1, 0)) }
        assertThrows(.nonPositiveDilation(y: -1, x: 1)) { try Conv2d(weight: self.weight(1, 1, 3, 3), bias: nil, dilation: (-1, 1)) }
        assertThrows(.negativePadding(y: 0, x: -2)) { try Conv2d(weight: self.weight(1, 1, 3, 3), bias: nil, padding: (0, -2)) }
    }

    func testValidatedOutputShapeRejectsInputsThatDoNotFit() throws {
        let layer = try Conv2d(weight: weight(4, 1, 3, 3), bias: nil, padding: (1, 1), groups: 2)
        XCTAssertEqual(layer.inChannels, 2)
        XCTAssertEqual(try layer.validatedOutputShape(for: Shape(5, 2, 10, 12)), Shape(5, 4, 10, 12))
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(2, 10, 12))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(2, 10, 12)))
        }
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(1, 3, 10, 12))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 2, actual: 3))
        }
        let unpadded = try Conv2d(weight: weight(1, 1, 5, 5), bias: nil, dilation: (2, 1))
        XCTAssertEqual(try unpadded.validatedOutputShape(for: Shape(1, 1, 9, 5)), Shape(1, 1, 1, 1))
        XCTAssertThrowsError(try unpadded.validatedOutputShape(for: Shape(1, 1, 8, 5))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputTooSmall(input: Shape(1, 1, 8, 5), kernelHeight: 9, kernelWidth: 5))
        }
    }

    func testGeometryCarriesEverySetting() throws {
        let layer = try Conv2d(
            weight: weight(6, 1, 5, 3), bias: Tensor(shape: Shape(6)),
            stride: (2, 3), padding: (2, 1), dilation: (1, 2), groups: 3, border: .reflect
        )
        let geometry = layer.geometry(for: Shape(4, 3, 40, 50))
        XCTAssertEqual(geometry, Conv2dGeometry(
            batch: 4, inChannels: 3, inputHeight: 40, inputWidth: 50,
            outChannels: 6, kernelHeight: 5, kernelWidth: 3,
            strideY: 2, strideX: 3, padY: 2, padX: 1, dilationY: 1, dilationX: 2,
            groups: 3, border: .reflect
        ))
        // (40 + 4 - 4 - 1) / 2 + 1 = 20, (50 + 2 - 4 - 1) / 3 + 1 = 16
        XCTAssertEqual(layer.outputShape(for: Shape(4, 3, 40, 50)), Shape(4, 6, 20, 16))
    }

    func testForwardMatchesDirectConvolution() throws {
        var random = SeededGenerator(seed: 11)
        let weight = Tensor(shape: Shape(4, 3, 3, 3), values: random.floats(108))
        let bias = Tensor(shape: Shape(4), values: random.floats(4))
        let layer = try Conv2d(weight: weight, bias: bias, stride: (1, 2), padding: (1, 1), border: .replicate)
        let input = Tensor(shape: Shape(2, 3, 9, 11), values: random.floats(2 * 3 * 9 * 11))
        let output = Tensor(shape: layer.outputShape(for: input.shape))
        layer.forward(input, into: output, context: ExecutionContext(tileColumns: 10))
        let expected = DirectConvolution.forward(input: input, weight: weight, bias: bias, geometry: layer.geometry(for: input.shape))
        XCTAssertEqual(output.shape, Shape(2, 4, 9, 6))
        for (got, want) in zip(output.array, expected.array) {
            XCTAssertEqual(got, want, accuracy: 1e-4)
        }
    }
}
