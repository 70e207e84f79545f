import ConvoyNN
import ConvoyTensor
import XCTest

final class MergeLayerTests: XCTestCase {
    private func assertError(_ layer: MergeLayer, _ shapes: [Shape], _ expected: LayerConfigurationError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try layer.validatedOutputShape(for: shapes), file: file, line: line) { error in
            XCTAssertEqual(error as? LayerConfigurationError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), file: file, line: line)
        }
    }

    func testConcatErrors() {
        let concat = Concat()
        assertError(concat, [], .tooFewInputs(minimum: 2, actual: 0))
        assertError(concat, [Shape(1, 2, 3, 4)], .tooFewInputs(minimum: 2, actual: 1))
        assertError(concat, [Shape(1, 2, 3, 4), Shape(2, 3, 4)], .inputNotRank4(Shape(2, 3, 4)))
        assertError(concat, [Shape(1, 2, 3, 4), Shape(2, 2, 3, 4)], .mergeShapeMismatch(first: Shape(1, 2, 3, 4), index: 1, shape: Shape(2, 2, 3, 4)))
        assertError(concat, [Shape(1, 2, 3, 4), Shape(1, 1, 3, 4), Shape(1, 2, 3, 5)],
                    .mergeShapeMismatch(first: Shape(1, 2, 3, 4), index: 2, shape: Shape(1, 2, 3, 5)))
        XCTAssertEqual(try concat.validatedOutputShape(for: [Shape(2, 2, 3, 4), Shape(2, 5, 3, 4), Shape(2, 1, 3, 4)]), Shape(2, 8, 3, 4))
    }

    func testAddErrors() {
        let add = Add()
        assertError(add, [Shape(1, 2, 3, 4)], .tooFewInputs(minimum: 2, actual: 1))
        assertError(add, [Shape(2, 3), Shape(2, 3)], .inputNotRank4(Shape(2, 3)))
        assertError(add, [Shape(1, 2, 3, 4), Shape(1, 3, 3, 4)], .mergeShapeMismatch(first: Shape(1, 2, 3, 4), index: 1, shape: Shape(1, 3, 3, 4)))
        XCTAssertEqual(try add.validatedOutputShape(for: [Shape(1, 2, 3, 4), Shape(1, 2, 3, 4)]), Shape(1, 2, 3, 4))
    }

    /// Two images of one and two channels: each image's channels follow each other.
    func testConcatOrdersChannelsPerImage() {
        let a = Tensor(shape: Shape(2, 1, 1, 2), values: [1, 2, 3, 4])
        let b = Tensor(shape: Shape(2, 2, 1, 2), values: [10, 20, 30, 40, 50, 60, 70, 80])
        let output = Tensor(shape: Shape(2, 3, 1, 2))
        Concat().forward([a, b], into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80])
    }

    func testAddInPlaceIntoAnyInput() {
        for target in 0..<3 {
            let inputs = (0..<3).map { i in Tensor(shape: Shape(1, 1, 1, 3), values: [Float(i), Float(10 * i), 1]) }
            Add().forward(inputs, into: inputs[target], context: ExecutionContext())
            XCTAssertEqual(inputs[target].array, [3, 30, 3], "into input \(target)")
        }
    }
}
