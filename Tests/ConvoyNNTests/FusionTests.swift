import ConvoyNN
import ConvoyTensor
import XCTest

/// The fast paths: a ReLU fused into its convolution, and 2×2 max pooling 16 outputs at a time.
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
