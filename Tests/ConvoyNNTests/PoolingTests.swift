import ConvoyNN
import ConvoyTensor
import XCTest

final class PoolingTests: XCTestCase {
    private func shape(_ layer: Layer, _ dims: Int...) throws -> Shape {
        try layer.validatedOutputShape(for: Shape(dims))
    }

    private func assertError(_ expected: LayerConfigurationError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? LayerConfigurationError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), "one-line description", file: file, line: line)
        }
    }

    /// The examples of PyTorch's MaxPool2d / AvgPool2d documentation and well-known sizes.
    func testOutputSizesAsPyTorch() throws {
        // nn.MaxPool2d(3, stride=2) on (20, 16, 50, 32) -> (20, 16, 24, 15)
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 3), stride: (2, 2)), 20, 16, 50, 32), Shape(20, 16, 24, 15))
        // nn.MaxPool2d((3, 2), stride=(2, 1)) -> (20, 16, 24, 31)
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 2), stride: (2, 1)), 20, 16, 50, 32), Shape(20, 16, 24, 31))
        XCTAssertEqual(try shape(try AvgPool2d(kernel: (3, 2), stride: (2, 1)), 20, 16, 50, 32), Shape(20, 16, 24, 31))
        // Stride defaults to the kernel.
        let defaultStride = try MaxPool2d(kernel: (2, 3))
        XCTAssertTrue(defaultStride.stride == (2, 3))
        XCTAssertEqual(try shape(defaultStride, 1, 1, 7, 7), Shape(1, 1, 3, 2))
        // 5×5, kernel 2, stride 2: floor 2×2, ceil 3×3.
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (2, 2)), 1, 1, 5, 5), Shape(1, 1, 2, 2))
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (2, 2), ceilMode: true), 1, 1, 5, 5), Shape(1, 1, 3, 3))
        // 112×112, kernel 3, stride 2, padding 1 (ResNet's stem): 56×56; in ceil mode
        // ceil(111 / 2) + 1 = 57, and the last window starts at 112 - 1 = 111, inside the input.
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), 1, 64, 112, 112), Shape(1, 64, 56, 56))
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true), 1, 64, 112, 112), Shape(1, 64, 57, 57))
        // GoogLeNet's ceil-mode pool (kernel 3, stride 2, no padding): 112 -> 56.
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 3), stride: (2, 2), ceilMode: true), 1, 64, 112, 112), Shape(1, 64, 56, 56))
        // 3 wide, kernel 2, stride 2, padding 1, ceil: ceil(3/2) + 1 = 3 windows, but the third
        // would start at 4 - 1 = 3, past the input, so PyTorch drops it: 2.
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (2, 2), stride: (2, 2), padding: (1, 1), ceilMode: true), 1, 1, 3, 3), Shape(1, 1, 2, 2))
        XCTAssertEqual(try shape(try AvgPool2d(kernel: (2, 2), stride: (2, 2), padding: (1, 1), ceilMode: true), 1, 1, 3, 4), Shape(1, 1, 2, 3))
        // A window larger than the input is fine in ceil mode as long as one output fits:
        // 2 wide, kernel 3, stride 2: floor gives none, ceil gives one.
        XCTAssertEqual(try shape(try MaxPool2d(kernel: (3, 3), stride: (2, 2), ceilMode: true), 1, 1, 2, 2), Shape(1, 1, 1, 1))
    }

    func testConfigurationErrors() {
        assertError(.nonPositiveKernel(y: 0, x: 2)) { try MaxPool2d(kernel: (0, 2)) }
        assertError(.nonPositiveStride(y: 1, x: 0)) { try AvgPool2d(kernel: (2, 2), stride: (1, 0)) }
        assertError(.negativePadding(y: -1, x: 0)) { try MaxPool2d(kernel: (2, 2), padding: (-1, 0)) }
        assertError(.poolingPaddingTooLarge(paddingY: 2, paddingX: 1, kernelHeight: 3, kernelWidth: 3)) {
            try MaxPool2d(kernel: (3, 3), padding: (2, 1))
        }
        assertError(.poolingPaddingTooLarge(paddingY: 0, paddingX: 1, kernelHeight: 2, kernelWidth: 1)) {
            try AvgPool2d(kernel: (2, 1), padding: (0, 1))
        }
        assertError(.nonPositiveDivisor(0)) { try AvgPool2d(kernel: (2, 2), divisorOverride: 0) }
        assertError(.inputTooSmall(input: Shape(1, 1, 2, 5), kernelHeight: 3, kernelWidth: 3)) {
            try MaxPool2d(kernel: (3, 3)).validatedOutputShape(for: Shape(1, 1, 2, 5))
        }
        assertError(.inputNotRank4(Shape(4, 4))) { try AvgPool2d(kernel: (2, 2)).validatedOutputShape(for: Shape(4, 4)) }
        assertError(.inputTooSmall(input: Shape(1, 1, 0, 4), kernelHeight: 1, kernelWidth: 1)) {
            try GlobalAvgPool2d().validatedOutputShape(for: Shape(1, 1, 0, 4))
        }
    }

    private func pool(_ layer: Layer, _ input: Tensor) -> [Float] {
        let output = Tensor(shape: layer.outputShape(for: input.shape))
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext())
        return output.array
    }

    /// 3×3 input 1…9, kernel 2, stride 2, ceil mode: the overhanging windows are not counted, even
    /// with count_include_pad (divisors 4, 2, 2, 1).
    func testAvgPoolCeilOverhangIsNotCounted() throws {
        let input = Tensor(shape: Shape(1, 1, 3, 3), values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(pool(try AvgPool2d(kernel: (2, 2), ceilMode: true), input), [3, 4.5, 7.5, 9])
        XCTAssertEqual(pool(try AvgPool2d(kernel: (2, 2), ceilMode: true, countIncludePad: false), input), [3, 4.5, 7.5, 9])
        XCTAssertEqual(pool(try AvgPool2d(kernel: (2, 2), ceilMode: true, divisorOverride: 2), input), [6, 4.5, 7.5, 4.5])
        XCTAssertEqual(pool(try MaxPool2d(kernel: (2, 2), ceilMode: true), input), [5, 6, 8, 9])
    }

    /// 2×2 input, kernel 2, stride 2, padding 1: each window holds one sample and three zeros.
    func testAvgPoolPadding() throws {
        let input = Tensor(shape: Shape(1, 1, 2, 2), values: [1, 2, 3, 4])
        XCTAssertEqual(pool(try AvgPool2d(kernel: (2, 2), padding: (1, 1)), input), [0.25, 0.5, 0.75, 1])
        XCTAssertEqual(pool(try AvgPool2d(kernel: (2, 2), padding: (1, 1), countIncludePad: false), input), [1, 2, 3, 4])
    }

    /// Padding never wins a max, even when every sample is negative; a NaN wins, as in PyTorch.
    func testMaxPoolPaddingAndNaN() throws {
        let negative = Tensor(shape: Shape(1, 1, 2, 2), values: [-5, -6, -7, -8])
        XCTAssertEqual(pool(try MaxPool2d(kernel: (2, 2), padding: (1, 1)), negative), [-5, -6, -7, -8])
        let withNaN = Tensor(shape: Shape(1, 1, 2, 4), values: [1, .nan, 3, 4, 5, 6, 7, .infinity])
        let result = pool(try MaxPool2d(kernel: (2, 2)), withNaN)
        XCTAssertTrue(result[0].isNaN)
        XCTAssertEqual(result[1], .infinity)
    }

    func testGlobalAvgPool() {
        let input = Tensor(shape: Shape(2, 2, 1, 3), values: [1, 2, 3, -3, 0, 0, 10, 20, 30, 0.5, 0.5, 0.5])
        XCTAssertEqual(GlobalAvgPool2d().outputShape(for: input.shape), Shape(2, 2, 1, 1))
        XCTAssertEqual(pool(GlobalAvgPool2d(), input), [2, -1, 20, 0.5])
    }
}
