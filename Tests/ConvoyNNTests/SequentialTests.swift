import ConvoyNN
import ConvoyTensor
import XCTest

final class SequentialTests: XCTestCase {
    /// conv 3→6 (3×3, replicate) → ReLU → conv 6→2 (1×1) → channel-pair magnitude: the same
    /// chain computed step by step with DirectConvolution and plain loops.
    private func reference(_ input: Tensor, _ first: Conv2d, _ second: Conv2d) -> [Float] {
        let a = DirectConvolution.forward(input: input, weight: first.weight, bias: first.bias, geometry: first.geometry(for: input.shape))
        let rectified = Tensor(shape: a.shape, values: a.array.map { max($0, 0) })
        let b = DirectConvolution.forward(
            input: rectified, weight: second.weight, bias: second.bias, geometry: second.geometry(for: rectified.shape)
        )
        let plane = b.shape.h * b.shape.w
        var result: [Float] = []
        for n in 0..<b.shape.n {
            for i in 0..<plane {
                let gx = b.pointer[(n * 2) * plane + i]
                let gy = b.pointer[(n * 2 + 1) * plane + i]
                result.append((gx * gx + gy * gy).squareRoot())
            }
        }
        return result
    }

    func testReusesBuffersAcrossBatchSizes() throws {
        var random = SeededGenerator(seed: 3)
        let first = try Conv2d(
            weight: Tensor(shape: Shape(6, 3, 3, 3), values: random.floats(162)),
            bias: Tensor(shape: Shape(6), values: random.floats(6)),
            padding: (1, 1), border: .replicate
        )
        let second = try Conv2d(weight: Tensor(shape: Shape(2, 6, 1, 1), values: random.floats(12)), bias: nil)
        let model = Sequential([first, ReLU(), second, ChannelPairMagnitude()])
        let context = ExecutionContext(tileColumns: 37)
        XCTAssertEqual(try model.validatedOutputShape(for: Shape(3, 3, 8, 10)), Shape(3, 1, 8, 10))

        var storages: [TensorStorage] = []
        for batch in [3, 2, 3, 1] {
            let input = Tensor(shape: Shape(batch, 3, 8, 10), values: random.floats(batch * 240))
            let output = Tensor(shape: model.outputShape(for: input.shape))
            XCTAssertEqual(output.shape, Shape(batch, 1, 8, 10))
            output.fill(.nan)
            model.forward(input, into: output, context: context)
            for (got, want) in zip(output.array, reference(input, first, second)) {
                XCTAssertEqual(got, want, accuracy: 1e-4, "batch \(batch)")
            }
            let current = model.intermediateBuffers.map(\.storage)
            XCTAssertEqual(current.count, 2)
            if storages.isEmpty {
                storages = current
            } else {
                XCTAssertTrue(zip(storages, current).allSatisfy { $0 === $1 }, "batch \(batch) reallocated a buffer")
            }
        }
    }

    func testValidationStopsAtTheFirstLayerThatDoesNotFit() throws {
        let model = Sequential([
            try Conv2d(weight: Tensor(shape: Shape(3, 1, 3, 3)), bias: nil, padding: (1, 1), groups: 3),
            ChannelPairMagnitude(),
        ])
        XCTAssertThrowsError(try model.validatedOutputShape(for: Shape(1, 3, 4, 4))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .oddChannelCount(3))
        }
        XCTAssertThrowsError(try model.validatedOutputShape(for: Shape(1, 1, 4, 4))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 3, actual: 1))
        }
    }

    func testEmptySequentialCopies() {
        let input = Tensor(shape: Shape(1, 1, 1, 3), values: [1, 2, 3])
        let output = Tensor(shape: input.shape)
        Sequential([]).forward(input, into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [1, 2, 3])
    }
}
