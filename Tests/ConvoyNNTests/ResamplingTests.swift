import ConvoyNN
import ConvoyTensor
import XCTest

final class ResamplingTests: XCTestCase {
    private func run(_ layer: Layer, _ input: Tensor) -> [Float] {
        let output = Tensor(shape: layer.outputShape(for: input.shape))
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext())
        return output.array
    }

    func testUpsampleHandValues() {
        let input = Tensor(shape: Shape(1, 1, 1, 2), values: [0, 4])
        XCTAssertEqual(run(Upsample(scale: (1, 2), mode: .nearest), input), [0, 0, 4, 4])
        // Half-pixel centres: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to sample 1).
        XCTAssertEqual(run(Upsample(scale: (1, 2), mode: .bilinear), input), [0, 1, 3, 4])
        // Corners aligned: sources 0, 1/3, 2/3, 1.
        let aligned = run(Upsample(scale: (1, 2), mode: .bilinear, alignCorners: true), input)
        for (got, want) in zip(aligned, [0, 4.0 / 3, 8.0 / 3, 4] as [Float]) {
            XCTAssertEqual(got, want, accuracy: 1e-6)
        }
        XCTAssertEqual(Upsample(scale: (3, 2), mode: .nearest).outputShape(for: Shape(2, 3, 4, 5)), Shape(2, 3, 12, 10))
    }

    func testUpsampleScaleIsValidated() {
        XCTAssertThrowsError(try Upsample(scale: (0, 2), mode: .nearest).validatedOutputShape(for: Shape(1, 1, 2, 2))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .nonPositiveScale(y: 0, x: 2))
        }
        XCTAssertEqual(UpsampleMode(rawValue: "bilinear"), .bilinear)
    }

    func testPixelShuffleHandValues() throws {
        // r = 2, one output channel: the four input channels become the 2×2 sub-pixel grid.
        let input = Tensor(shape: Shape(1, 4, 1, 2), values: [1, 2, 10, 20, 100, 200, 1000, 2000])
        XCTAssertEqual(run(try PixelShuffle(upscaleFactor: 2), input), [1, 10, 2, 20, 100, 1000, 200, 2000])
    }

    func testPixelShuffleErrors() throws {
        XCTAssertThrowsError(try PixelShuffle(upscaleFactor: 0)) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .nonPositiveUpscaleFactor(0))
        }
        XCTAssertThrowsError(try PixelShuffle(upscaleFactor: 3).validatedOutputShape(for: Shape(1, 12, 2, 2))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .channelsNotDivisible(channels: 12, divisor: 9))
        }
        XCTAssertEqual(try PixelShuffle(upscaleFactor: 3).validatedOutputShape(for: Shape(2, 18, 2, 5)), Shape(2, 2, 6, 15))
    }
}
