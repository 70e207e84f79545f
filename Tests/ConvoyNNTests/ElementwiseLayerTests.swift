import ConvoyNN
import ConvoyTensor
import Foundation
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

    private func run(_ layer: Layer, _ input: Tensor) -> [Float] {
        let output = Tensor(shape: layer.outputShape(for: input.shape))
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext())
        return output.array
    }

    func testLeakyReLUSigmoidTanh() {
        let input = Tensor(shape: Shape(1, 1, 1, 4), values: [-200, -1, 0, 2])
        XCTAssertEqual(run(LeakyReLU(), input), [-2, -0.01, 0, 2])
        XCTAssertEqual(run(LeakyReLU(negativeSlope: 0.5), input), [-100, -0.5, 0, 2])
        XCTAssertEqual(LeakyReLU().negativeSlope, 0.01)
        let sigmoid = run(Sigmoid(), input)
        XCTAssertEqual(sigmoid[0], 0, "no overflow for large negative inputs")
        XCTAssertEqual(sigmoid[2], 0.5)
        XCTAssertEqual(sigmoid[3], 0.880797, accuracy: 1e-6)
        XCTAssertEqual(run(Sigmoid(), Tensor(shape: Shape(1, 1, 1, 1), values: [200])), [1])
        let tanh = run(Tanh(), input)
        XCTAssertEqual(tanh[0], -1)
        XCTAssertEqual(tanh[1], -0.761594, accuracy: 1e-6)
    }

    func testPReLUWeights() throws {
        let input = Tensor(shape: Shape(1, 2, 1, 2), values: [-1, 1, -2, 2])
        let perChannel = try PReLU(weight: Tensor(shape: Shape(2), values: [0.5, 0.25]))
        XCTAssertEqual(run(perChannel, input), [-0.5, 1, -0.5, 2])
        let shared = try PReLU(weight: Tensor(shape: Shape(1), values: [0.1]))
        XCTAssertTrue(shared.isShared)
        XCTAssertEqual(run(shared, input), [-0.1, 1, -0.2, 2])
        XCTAssertEqual(try shared.validatedOutputShape(for: Shape(1, 7, 2, 2)), Shape(1, 7, 2, 2))
        XCTAssertThrowsError(try perChannel.validatedOutputShape(for: Shape(1, 3, 2, 2))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 2, actual: 3))
        }
        XCTAssertThrowsError(try PReLU(weight: Tensor(shape: Shape(2, 1)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterNotVector(name: "PReLU weight", shape: Shape(2, 1)))
        }
        XCTAssertThrowsError(try PReLU(weight: Tensor(shape: Shape(0)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterNotVector(name: "PReLU weight", shape: Shape(0)))
        }
    }

    func testNormalize() throws {
        let layer = try Normalize(mean: [0.5, 0], std: [0.5, 2], scale: 1.0 / 255)
        XCTAssertEqual(layer.channels, 2)
        let input = Tensor(shape: Shape(1, 2, 1, 2), values: [0, 255, 0, 255])
        let output = run(layer, input)
        for (got, want) in zip(output, [-1, 1, 0, 0.5] as [Float]) {
            XCTAssertEqual(got, want, accuracy: 1e-6)
        }
        XCTAssertNil(try Normalize(mean: [1], std: [2]).channels)
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(1, 3, 1, 1))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 2, actual: 3))
        }
        XCTAssertThrowsError(try Normalize(mean: [0, 0, 0], std: [1, 1])) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterShapeMismatch(name: "normalize std", expected: Shape(3), actual: Shape(2)))
        }
        XCTAssertThrowsError(try Normalize(mean: [0], std: [1, 0])) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .invalidParameter(name: "normalize std", index: 1, value: 0, requirement: "finite and non-zero"))
        }
        XCTAssertThrowsError(try Normalize(mean: [], std: [1])) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterNotVector(name: "normalize mean", shape: Shape(0)))
        }
    }

    func testChannelSoftmaxIsStable() {
        // Per pixel: (1000, 1000, -1000) and (0, ln 3, 0).
        let input = Tensor(shape: Shape(1, 3, 1, 2), values: [1000, 0, 1000, Float(log(3.0)), -1000, 0])
        let output = run(ChannelSoftmax(), input)
        let want: [Float] = [0.5, 0.2, 0.5, 0.6, 0, 0.2]
        for (got, expected) in zip(output, want) {
            XCTAssertEqual(got, expected, accuracy: 1e-6)
        }
    }

    /// With two worker threads and inputs large enough to be shared among them, every layer gives
    /// exactly the single-threaded result.
    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 31)
        let input = Tensor(shape: Shape(2, 4, 48, 70), values: random.floats(2 * 4 * 48 * 70).map { $0 * 4 })
        let other = Tensor(shape: input.shape, values: random.floats(input.count))
        let layers: [Layer] = [
            ReLU(), LeakyReLU(negativeSlope: 0.1), Sigmoid(), Tanh(),
            try PReLU(weight: Tensor(shape: Shape(4), values: [0.1, 0.2, 0.3, 0.4])),
            try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true),
            try AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false),
            GlobalAvgPool2d(),
            try BatchNorm2d(weight: Tensor(shape: Shape(4), values: [1, 2, 3, 4]), bias: Tensor(shape: Shape(4), values: [0, 1, 0, 1]),
                            runningMean: Tensor(shape: Shape(4), values: [0, 0.5, 0, 0.5]), runningVar: Tensor(shape: Shape(4), values: [1, 2, 3, 4])),
            Upsample(scale: (2, 3), mode: .nearest), Upsample(scale: (2, 2), mode: .bilinear), try PixelShuffle(upscaleFactor: 2),
            ChannelSoftmax(), try Normalize(mean: [0.1, 0.2, 0.3, 0.4], std: [1, 2, 3, 4], scale: 2),
        ]
        let serial = ExecutionContext(threads: 1)
        let parallel = ExecutionContext(threads: 2)
        for layer in layers {
            let a = Tensor(shape: layer.outputShape(for: input.shape))
            let b = Tensor(shape: a.shape)
            layer.forward(input, into: a, context: serial)
            layer.forward(input, into: b, context: parallel)
            XCTAssertEqual(a.array, b.array, "\(type(of: layer))")
        }
        for merge in [Concat(), Add()] as [MergeLayer] {
            let shape = try merge.validatedOutputShape(for: [input.shape, other.shape])
            let a = Tensor(shape: shape)
            let b = Tensor(shape: shape)
            merge.forward([input, other], into: a, context: serial)
            merge.forward([input, other], into: b, context: parallel)
            XCTAssertEqual(a.array, b.array, "\(type(of: merge))")
        }
    }
}
