import ConvoyNN
import ConvoyTensor
import Foundation
import XCTest

/// The elementwise layers ONNX import needs (ELU, HardSigmoid, HardSwish, Clip, SiLU), the
/// per-channel affine and the global max pool, each against a `Double` reference written from
/// the ONNX operator's formula.
final class OnnxActivationTests: XCTestCase {
    /// Inputs from -8 to 8 in steps of 1/16 (the kinks at -3, 0, 3 and -2.5, 2.5 included), then
    /// large and tiny values.
    private let samples: [Float] = (-128...128).map { Float($0) / 16 } + [-1e30, -100, -1e-7, 1e-7, 100, 1e30]

    private func assertMatches(_ layer: Layer, _ reference: (Double) -> Double, tolerance: Double = 2e-7,
                               file: StaticString = #filePath, line: UInt = #line) {
        let input = Tensor(shape: Shape(1, 1, 1, samples.count), values: samples)
        let output = Tensor(shape: input.shape)
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext())
        for (x, got) in zip(samples, output.array) {
            let want = reference(Double(x))
            XCTAssertEqual(Double(got), want, accuracy: tolerance * max(1, abs(want)), "\(type(of: layer)) at \(x)", file: file, line: line)
        }
        // In place gives the same values.
        let inPlace = Tensor(shape: input.shape, values: samples)
        layer.forward(inPlace, into: inPlace, context: ExecutionContext())
        XCTAssertEqual(inPlace.array, output.array, "\(type(of: layer)) in place", file: file, line: line)
        XCTAssertTrue(layer is InPlaceLayer)
    }

    func testELU() {
        assertMatches(ELU(), { $0 >= 0 ? $0 : Foundation.exp($0) - 1 })
        assertMatches(ELU(alpha: 0.3), { $0 >= 0 ? $0 : 0.3 * (Foundation.exp($0) - 1) })
        XCTAssertEqual(ELU().alpha, 1)
    }

    func testHardSigmoid() {
        assertMatches(HardSigmoid(), { max(0, min(1, 0.2 * $0 + 0.5)) })
        assertMatches(HardSigmoid(alpha: 1.0 / 6, beta: 0.5), { max(0, min(1, $0 / 6 + 0.5)) })
        XCTAssertEqual(HardSigmoid().alpha, 0.2)
        XCTAssertEqual(HardSigmoid().beta, 0.5)
    }

    func testHardSwish() {
        // ONNX HardSwish: x * max(0, min(1, x / 6 + 0.5)).
        assertMatches(HardSwish(), { $0 * max(0, min(1, $0 / 6 + 0.5)) })
    }

    func testClip() {
        assertMatches(Clip(minimum: 0, maximum: 6), { min(6, max($0, 0)) })
        assertMatches(Clip(minimum: -0.5, maximum: 0.25), { min(0.25, max($0, -0.5)) })
        assertMatches(Clip(), { $0 })
        // Crossed limits: every element becomes the maximum (ONNX: Min(max, Max(input, min))).
        assertMatches(Clip(minimum: 2, maximum: 1), { _ in 1 })
        let nan = Tensor(shape: Shape(1, 1, 1, 1), values: [.nan])
        Clip(minimum: 0, maximum: 6).forward(nan, into: nan, context: ExecutionContext())
        XCTAssertTrue(nan.array[0].isNaN, "NaN passes through")
    }

    func testSiLU() {
        assertMatches(SiLU(), { $0 / (1 + Foundation.exp(-$0)) }, tolerance: 1e-6)
        // Equal to Sigmoid followed by a product, up to one rounding.
        let input = Tensor(shape: Shape(1, 1, 1, samples.count), values: samples)
        let sigmoid = Tensor(shape: input.shape)
        Sigmoid().forward(input, into: sigmoid, context: ExecutionContext())
        let fused = Tensor(shape: input.shape)
        SiLU().forward(input, into: fused, context: ExecutionContext())
        for (i, x) in samples.enumerated() {
            XCTAssertEqual(fused.array[i], x * sigmoid.array[i], accuracy: 1e-6 * max(1, abs(x)), "at \(x)")
        }
    }

    func testChannelAffine() throws {
        var random = SeededGenerator(seed: 7)
        let input = Tensor(shape: Shape(2, 3, 4, 5), values: random.floats(120))
        let scale: [Float] = [2, -0.5, 0.25]
        let shift: [Float] = [1, 0, -3]
        let layer = try ChannelAffine(scale: Tensor(shape: Shape(3), values: scale), shift: Tensor(shape: Shape(3), values: shift))
        XCTAssertEqual(layer.channels, 3)
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        layer.forward(input, into: output, context: ExecutionContext())
        let x = DoubleReference.Array4(input)
        for n in 0..<2 {
            for c in 0..<3 {
                for y in 0..<4 {
                    for xx in 0..<5 {
                        let want = x[n, c, y, xx] * Double(scale[c]) + Double(shift[c])
                        XCTAssertEqual(Double(output[n: n, c: c, h: y, w: xx]), want, accuracy: 1e-6)
                    }
                }
            }
        }
        // A shared scale with a per-channel shift, and both shared.
        let shared = try ChannelAffine(scale: Tensor(shape: Shape(1), values: [3]), shift: Tensor(shape: Shape(3), values: shift))
        shared.forward(input, into: output, context: ExecutionContext())
        XCTAssertEqual(Double(output[n: 1, c: 2, h: 3, w: 4]), x[1, 2, 3, 4] * 3 - 3, accuracy: 1e-6)
        let scalar = try ChannelAffine(scale: Tensor(shape: Shape(1), values: [3]), shift: Tensor(shape: Shape(1), values: [1]))
        XCTAssertNil(scalar.channels)
        XCTAssertEqual(try scalar.validatedOutputShape(for: Shape(1, 9, 2, 2)), Shape(1, 9, 2, 2))

        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(1, 4, 2, 2))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 3, actual: 4))
        }
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(3, 2, 2))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(3, 2, 2)))
        }
        XCTAssertThrowsError(try ChannelAffine(scale: Tensor(shape: Shape(2)), shift: Tensor(shape: Shape(3)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterShapeMismatch(name: "channel affine shift", expected: Shape(2), actual: Shape(3)))
        }
        XCTAssertThrowsError(try ChannelAffine(scale: Tensor(shape: Shape(1, 3, 1, 1)), shift: Tensor(shape: Shape(3)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .parameterNotVector(name: "channel affine scale", shape: Shape(1, 3, 1, 1)))
        }
    }

    func testGlobalMaxPool() throws {
        var random = SeededGenerator(seed: 8)
        let input = Tensor(shape: Shape(2, 3, 5, 7), values: random.floats(210).map { $0 - 2 })
        let layer = GlobalMaxPool2d()
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        XCTAssertEqual(output.shape, Shape(2, 3, 1, 1))
        layer.forward(input, into: output, context: ExecutionContext())
        let values = input.array
        for plane in 0..<6 {
            XCTAssertEqual(output.array[plane], values[plane * 35..<(plane + 1) * 35].max()!, "all-negative plane \(plane)")
        }
        let withNaN = Tensor(shape: Shape(1, 1, 1, 3), values: [1, .nan, 2])
        let one = Tensor(shape: Shape(1, 1, 1, 1))
        layer.forward(withNaN, into: one, context: ExecutionContext())
        XCTAssertTrue(one.array[0].isNaN)
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(1, 2, 0, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputTooSmall(input: Shape(1, 2, 0, 3), kernelHeight: 1, kernelWidth: 1))
        }
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(2, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(2, 3)))
        }
    }

    /// With two workers and an input they share, every layer gives the one-thread result.
    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 9)
        let input = Tensor(shape: Shape(2, 4, 48, 70), values: random.floats(2 * 4 * 48 * 70).map { $0 * 6 })
        let layers: [Layer] = [
            ELU(alpha: 0.5), HardSigmoid(), HardSwish(), Clip(minimum: 0, maximum: 6), SiLU(), GlobalMaxPool2d(),
            try ChannelAffine(scale: Tensor(shape: Shape(4), values: [1, 2, 3, 4]), shift: Tensor(shape: Shape(1), values: [0.5])),
        ]
        for layer in layers {
            let a = Tensor(shape: layer.outputShape(for: input.shape))
            let b = Tensor(shape: a.shape)
            layer.forward(input, into: a, context: ExecutionContext(threads: 1))
            layer.forward(input, into: b, context: ExecutionContext(threads: 2))
            XCTAssertEqual(a.array, b.array, "\(type(of: layer))")
        }
    }
}
