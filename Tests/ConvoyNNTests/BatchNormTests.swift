import ConvoyNN
import ConvoyTensor
import XCTest

final class BatchNormTests: XCTestCase {
    private func vector(_ values: [Float]) -> Tensor {
        Tensor(shape: Shape(values.count), values: values)
    }

    private func assertError(_ expected: LayerConfigurationError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? LayerConfigurationError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), "one-line description", file: file, line: line)
        }
    }

    func testHandValues() throws {
        // Channel 0: (x - 1) / sqrt(4) * 2 + 0.5; channel 1: (x + 1) / sqrt(0.25) * -1 + 0.
        let layer = try BatchNorm2d(weight: vector([2, -1]), bias: vector([0.5, 0]), runningMean: vector([1, -1]),
                                    runningVar: vector([4, 0.25]), eps: 0)
        let input = Tensor(shape: Shape(1, 2, 1, 2), values: [1, 3, -1, 0])
        let output = Tensor(shape: input.shape)
        layer.forward(input, into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [0.5, 2.5, 0, -2])
    }

    func testConfigurationErrors() {
        let four = vector([1, 1, 1, 1])
        assertError(.parameterNotVector(name: "batch norm weight", shape: Shape(1, 4))) {
            try BatchNorm2d(weight: four.reshaped(Shape(1, 4)), bias: four, runningMean: four, runningVar: four)
        }
        assertError(.parameterShapeMismatch(name: "batch norm running_mean", expected: Shape(4), actual: Shape(3))) {
            try BatchNorm2d(weight: four, bias: four, runningMean: self.vector([0, 0, 0]), runningVar: four)
        }
        assertError(.invalidParameter(name: "batch norm running_var", index: 2, value: -1, requirement: "such that running_var + eps > 0")) {
            try BatchNorm2d(weight: four, bias: four, runningMean: four, runningVar: self.vector([1, 1, -1, 1]))
        }
        assertError(.invalidParameter(name: "batch norm bias", index: 1, value: .infinity, requirement: "finite")) {
            try BatchNorm2d(weight: four, bias: self.vector([0, .infinity, 0, 0]), runningMean: four, runningVar: four)
        }
        assertError(.inputChannelMismatch(expected: 4, actual: 3)) {
            try BatchNorm2d(weight: four, bias: four, runningMean: four, runningVar: four).validatedOutputShape(for: Shape(1, 3, 2, 2))
        }
    }

    /// Folding gives the same result as the convolution followed by the batch norm, for strided,
    /// grouped, padded (replicate) convolutions with and without a bias; the original layer is
    /// unchanged.
    func testFoldingMatchesConvolutionThenBatchNorm() throws {
        var random = SeededGenerator(seed: 21)
        for withBias in [true, false] {
            let weight = Tensor(shape: Shape(6, 2, 3, 3), values: random.floats(108))
            let bias = withBias ? vector(random.floats(6)) : nil
            let convolution = try Conv2d(weight: weight, bias: bias, stride: (2, 1), padding: (1, 1), dilation: (1, 2),
                                         groups: 2, border: .replicate)
            let batchNorm = try BatchNorm2d(
                weight: vector(random.floats(6).map { $0 + 1.5 }), bias: vector(random.floats(6)),
                runningMean: vector(random.floats(6)), runningVar: vector(random.floats(6).map { $0 + 1.2 }), eps: 1e-3
            )
            let folded = try convolution.folding(batchNorm)
            XCTAssertNotNil(folded.bias)
            XCTAssertEqual(convolution.weight.array, weight.array, "original left alone")
            XCTAssertTrue(folded.stride == convolution.stride && folded.padding == convolution.padding && folded.dilation == convolution.dilation)
            XCTAssertEqual(folded.groups, 2)
            XCTAssertEqual(folded.border, .replicate)

            let input = Tensor(shape: Shape(2, 4, 7, 9), values: random.floats(504))
            let context = ExecutionContext()
            let expected = Tensor(shape: try Sequential([convolution, batchNorm]).validatedOutputShape(for: input.shape))
            Sequential([convolution, batchNorm]).forward(input, into: expected, context: context)
            let output = Tensor(shape: folded.outputShape(for: input.shape))
            folded.forward(input, into: output, context: context)
            assertClose(output, expected, "folded, bias \(withBias)")
        }
    }

    func testFoldingChannelMismatch() throws {
        let convolution = try Conv2d(weight: Tensor(shape: Shape(3, 1, 1, 1)), bias: nil)
        let four = vector([1, 1, 1, 1])
        let batchNorm = try BatchNorm2d(weight: four, bias: four, runningMean: four, runningVar: four)
        assertError(.batchNormChannelMismatch(convolutionOutChannels: 3, batchNormChannels: 4)) { try convolution.folding(batchNorm) }
    }
}
