import ConvoyNN
import ConvoyTensor
import XCTest

/// The fast paths: a ReLU and a 2×2 max pool fused into their convolution, and 2×2 max pooling
/// 16 outputs at a time.
final class FusionTests: XCTestCase {
    func testFusedReLUEqualsConvolutionThenReLU() throws {
        var random = SeededGenerator(seed: 77)
        for (groups, inChannels, outChannels, hasBias) in [(1, 3, 5, true), (1, 4, 2, false), (2, 4, 6, true)] {
            let weight = Tensor(shape: Shape(outChannels, inChannels / groups, 3, 3), values: random.floats(outChannels * inChannels / groups * 9))
            let bias = hasBias ? Tensor(shape: Shape(outChannels), values: random.floats(outChannels)) : nil
            let plain = try Conv2d(weight: weight, bias: bias, padding: (1, 1), groups: groups)
            let fused = try plain.fusing(.relu)
            XCTAssertEqual(fused.activation, .relu)
            let input = Tensor(shape: Shape(2, inChannels, 9, 41), values: random.floats(2 * inChannels * 9 * 41))
            let context = ExecutionContext(tileColumns: 50, threads: 2)
            let expected = Tensor(shape: plain.outputShape(for: input.shape))
            plain.forward(input, into: expected, context: context)
            ReLU().forward(expected, into: expected, context: context)
            let got = Tensor(shape: expected.shape)
            fused.forward(input, into: got, context: context)
            XCTAssertEqual(got.array, expected.array, "groups \(groups) bias \(hasBias)")
            XCTAssertTrue(got.array.contains(0) && got.array.contains { $0 > 0 }, "the ReLU clipped something")
        }
    }

    func testFusedMaxPoolEqualsConvolutionActivationThenPool() throws {
        var random = SeededGenerator(seed: 78)
        // (groups, in, out, bias, activation, stride, padding, height, width)
        let cases: [(Int, Int, Int, Bool, ConvolutionActivation, Int, Int, Int, Int)] = [
            (1, 3, 16, true, .relu, 1, 1, 12, 40), (1, 3, 5, true, .relu, 1, 1, 9, 41), (1, 4, 2, false, .none, 1, 0, 11, 37),
            (2, 4, 6, true, .relu, 2, 1, 17, 35), (1, 2, 3, true, .none, 1, 1, 2, 2), (1, 1, 4, true, .relu, 1, 1, 5, 70),
        ]
        for (groups, inChannels, outChannels, hasBias, activation, stride, padding, height, width) in cases {
            let weight = Tensor(shape: Shape(outChannels, inChannels / groups, 3, 3), values: random.floats(outChannels * inChannels / groups * 9))
            let bias = hasBias ? Tensor(shape: Shape(outChannels), values: random.floats(outChannels)) : nil
            let plain = try Conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding), groups: groups,
                                   activation: activation)
            let pooled = try plain.fusingMaxPool()
            XCTAssertTrue(pooled.fusedMaxPool)
            let input = Tensor(shape: Shape(2, inChannels, height, width), values: random.floats(2 * inChannels * height * width))
            let full = Tensor(shape: plain.outputShape(for: input.shape))
            let pool = try MaxPool2d(kernel: (2, 2))
            let expected = Tensor(shape: pool.outputShape(for: full.shape))
            XCTAssertEqual(try pooled.validatedOutputShape(for: input.shape), expected.shape)
            // One row pair per tile (50 columns), and every pair in one tile; one worker and two.
            for context in [ExecutionContext(tileColumns: 50, threads: 2), ExecutionContext(threads: 1),
                            ExecutionContext(gemm: ReferenceMatrixMultiplier(), tileColumns: 50, threads: 1)] {
                plain.forward(input, into: full, context: context)
                pool.forward(full, into: expected, context: context)
                let got = Tensor(shape: expected.shape, values: [Float](repeating: .nan, count: expected.count))
                pooled.forward(input, into: got, context: context)
                XCTAssertEqual(got.array, expected.array, "groups \(groups) stride \(stride) \(height)×\(width) \(activation)")
            }
        }
        let tiny = try Conv2d(weight: Tensor(shape: Shape(1, 1, 3, 3)), bias: nil).fusingMaxPool()
        XCTAssertThrowsError(try tiny.validatedOutputShape(for: Shape(1, 1, 4, 3)), "a 2×1 result has no 2×2 window")
    }

    func testTwoByTwoMaxPoolFastPathMatchesTheDefinition() throws {
        var random = SeededGenerator(seed: 5)
        for width in [32, 33, 70, 95] {
            let shape = Shape(2, 3, 7, width)
            var values = random.floats(shape.count)
            values[17] = .nan
            let input = Tensor(shape: shape, values: values)
            let pool = try MaxPool2d(kernel: (2, 2))
            let output = Tensor(shape: pool.outputShape(for: shape))
            pool.forward(input, into: output, context: ExecutionContext())
            XCTAssertEqual(output.shape, Shape(2, 3, 3, width / 2))
            for n in 0..<2 {
                for c in 0..<3 {
                    for oy in 0..<3 {
                        for ox in 0..<(width / 2) {
                            let window = [input[n: n, c: c, h: 2 * oy, w: 2 * ox], input[n: n, c: c, h: 2 * oy, w: 2 * ox + 1],
                                          input[n: n, c: c, h: 2 * oy + 1, w: 2 * ox], input[n: n, c: c, h: 2 * oy + 1, w: 2 * ox + 1]]
                            let got = output[n: n, c: c, h: oy, w: ox]
                            if window.contains(where: \.isNaN) {
                                XCTAssertTrue(got.isNaN, "NaN wins at \(n) \(c) \(oy) \(ox)")
                            } else {
                                XCTAssertEqual(got, window.max()!, "width \(width) at \(n) \(c) \(oy) \(ox)")
                            }
                        }
                    }
                }
            }
        }
    }
}
