import ConvoyNN
import ConvoyTensor
import XCTest

/// ConvTranspose2d against a `Double` direct scatter written from ONNX's `ConvTranspose`
/// definition: every input sample adds `x · w` at `i·s + k·d − pad_begin` of the output, which
/// is `s·(in − 1) + output_padding + d·(k − 1) + 1 − pad_begin − pad_end` long.
final class ConvTranspose2dTests: XCTestCase {
    private struct Case {
        var batch = 1, inChannels: Int, outChannels: Int, height: Int, width: Int
        var kernel: (Int, Int), stride = (1, 1), pads = (0, 0, 0, 0), outputPadding = (0, 0), dilation = (1, 1), groups = 1
        var bias = true
    }

    private func reference(_ c: Case, input: [Double], weight: [Double], bias: [Double]?) -> (Shape, [Double]) {
        let (kh, kw) = c.kernel
        let spanY: Int = c.dilation.0 * (kh - 1) + 1
        let spanX: Int = c.dilation.1 * (kw - 1) + 1
        let oh: Int = c.stride.0 * (c.height - 1) + c.outputPadding.0 + spanY - c.pads.0 - c.pads.2
        let ow: Int = c.stride.1 * (c.width - 1) + c.outputPadding.1 + spanX - c.pads.1 - c.pads.3
        let (inPerGroup, outPerGroup) = (c.inChannels / c.groups, c.outChannels / c.groups)
        var out = [Double](repeating: 0, count: c.batch * c.outChannels * oh * ow)
        for n in 0..<c.batch {
            for ci in 0..<c.inChannels {
                let g = ci / inPerGroup
                for iy in 0..<c.height {
                    for ix in 0..<c.width {
                        let x = input[((n * c.inChannels + ci) * c.height + iy) * c.width + ix]
                        for o in 0..<outPerGroup {
                            for i in 0..<kh {
                                let y = iy * c.stride.0 + i * c.dilation.0 - c.pads.0
                                guard y >= 0 && y < oh else { continue }
                                for j in 0..<kw {
                                    let xx = ix * c.stride.1 + j * c.dilation.1 - c.pads.1
                                    guard xx >= 0 && xx < ow else { continue }
                                    let w = weight[((ci * outPerGroup + o) * kh + i) * kw + j]
                                    let channel: Int = n * c.outChannels + g * outPerGroup + o
                                    let index: Int = (channel * oh + y) * ow + xx
                                    out[index] += x * w
                                }
                            }
                        }
                    }
                }
            }
            if let bias = bias {
                for p in 0..<c.outChannels {
                    for k in 0..<oh * ow { out[(n * c.outChannels + p) * oh * ow + k] += bias[p] }
                }
            }
        }
        return (Shape(c.batch, c.outChannels, oh, ow), out)
    }

    private let cases: [Case] = [
        Case(inChannels: 3, outChannels: 4, height: 5, width: 6, kernel: (3, 3)),
        Case(batch: 2, inChannels: 4, outChannels: 3, height: 4, width: 5, kernel: (4, 4), stride: (2, 2), pads: (1, 1, 1, 1)),
        Case(inChannels: 2, outChannels: 5, height: 3, width: 4, kernel: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), outputPadding: (1, 1)),
        Case(inChannels: 4, outChannels: 6, height: 4, width: 3, kernel: (3, 2), stride: (2, 1), pads: (0, 1, 1, 0), dilation: (1, 2), groups: 2),
        Case(inChannels: 3, outChannels: 3, height: 5, width: 5, kernel: (3, 3), stride: (2, 2), pads: (2, 0, 0, 1), groups: 3, bias: false),
        Case(inChannels: 2, outChannels: 4, height: 3, width: 3, kernel: (2, 3), stride: (3, 2), outputPadding: (2, 1), dilation: (2, 1)),
        Case(inChannels: 2, outChannels: 2, height: 2, width: 3, kernel: (2, 2), stride: (2, 2), pads: (0, 0, 3, 0), outputPadding: (1, 1)),
        Case(batch: 2, inChannels: 6, outChannels: 4, height: 3, width: 4, kernel: (1, 1), groups: 2),
    ]

    func testAgainstDirectScatter() throws {
        var random = SeededGenerator(seed: 81)
        var paths = Set<Bool>()
        for (index, c) in cases.enumerated() {
            let input = Tensor(shape: Shape(c.batch, c.inChannels, c.height, c.width), values: random.floats(c.batch * c.inChannels * c.height * c.width))
            let weightShape = Shape(c.inChannels, c.outChannels / c.groups, c.kernel.0, c.kernel.1)
            let weight = Tensor(shape: weightShape, values: random.floats(weightShape.count))
            let bias = c.bias ? Tensor(shape: Shape(c.outChannels), values: random.floats(c.outChannels)) : nil
            let layer = try ConvTranspose2d(weight: weight, bias: bias, stride: c.stride, pads: c.pads, outputPadding: c.outputPadding,
                                            dilation: c.dilation, groups: c.groups)
            paths.insert(layer.geometry(for: input.shape).scattersIntoOutput)
            let (shape, want) = reference(c, input: input.array.map(Double.init), weight: weight.array.map(Double.init),
                                          bias: bias?.array.map(Double.init))
            XCTAssertEqual(try layer.validatedOutputShape(for: input.shape), shape, "case \(index)")
            let expected = Tensor(shape: shape, values: want.map { Float($0) })
            // One worker with the default tile, one with 7-column tiles, two workers.
            for context in [ExecutionContext(), ExecutionContext(tileColumns: 7), ExecutionContext(threads: 2)] {
                let output = Tensor(shape: shape)
                output.fill(.nan)
                layer.forward(input, into: output, context: context)
                assertClose(output, expected, tolerance: 1e-5, "case \(index)")
            }
        }
        XCTAssertEqual(paths, [true, false], "both the direct scatter and the cropped scratch image are tested")
    }

    /// Large enough for two workers to split the output channels of one image.
    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 82)
        let input = Tensor(shape: Shape(1, 8, 24, 30), values: random.floats(8 * 24 * 30))
        for pads in [(1, 1, 1, 1), (0, 2, 1, 0)] {
            let layer = try ConvTranspose2d(weight: Tensor(shape: Shape(8, 6, 4, 4), values: random.floats(8 * 6 * 16)),
                                            bias: Tensor(shape: Shape(6), values: random.floats(6)), stride: (2, 2), pads: pads)
            let one = Tensor(shape: layer.outputShape(for: input.shape))
            let two = Tensor(shape: one.shape)
            layer.forward(input, into: one, context: ExecutionContext(threads: 1))
            layer.forward(input, into: two, context: ExecutionContext(threads: 2))
            XCTAssertEqual(one.array, two.array, "pads \(pads)")
        }
    }

    func testErrors() throws {
        let weight = Tensor(shape: Shape(4, 3, 3, 3))
        let cases: [(() throws -> Any, LayerConfigurationError)] = [
            ({ try ConvTranspose2d(weight: Tensor(shape: Shape(4, 3, 3)), bias: nil) }, .weightNotRank4(Shape(4, 3, 3))),
            ({ try ConvTranspose2d(weight: Tensor(shape: Shape(4, 0, 3, 3)), bias: nil) }, .emptyWeight(Shape(4, 0, 3, 3))),
            ({ try ConvTranspose2d(weight: weight, bias: nil, groups: 3) }, .channelsNotDivisible(channels: 4, divisor: 3)),
            ({ try ConvTranspose2d(weight: weight, bias: Tensor(shape: Shape(4)), groups: 2) }, .biasShapeMismatch(expected: Shape(6), actual: Shape(4))),
            ({ try ConvTranspose2d(weight: weight, bias: nil, stride: (0, 1)) }, .nonPositiveStride(y: 0, x: 1)),
            ({ try ConvTranspose2d(weight: weight, bias: nil, dilation: (1, 0)) }, .nonPositiveDilation(y: 1, x: 0)),
            ({ try ConvTranspose2d(weight: weight, bias: nil, pads: (0, -1, 0, 0)) }, .negativePadding(y: 0, x: -1)),
            ({ try ConvTranspose2d(weight: weight, bias: nil, outputPadding: (-1, 0)) }, .negativePadding(y: -1, x: 0)),
            ({ try ConvTranspose2d(weight: weight, bias: nil).validatedOutputShape(for: Shape(1, 3, 4, 4)) }, .inputChannelMismatch(expected: 4, actual: 3)),
            ({ try ConvTranspose2d(weight: weight, bias: nil).validatedOutputShape(for: Shape(4, 4, 4)) }, .inputNotRank4(Shape(4, 4, 4))),
            ({ try ConvTranspose2d(weight: weight, bias: nil, pads: (3, 0, 3, 0)).validatedOutputShape(for: Shape(1, 4, 2, 2)) },
             .inputTooSmall(input: Shape(1, 4, 2, 2), kernelHeight: 3, kernelWidth: 3)),
        ]
        for (index, (make, expected)) in cases.enumerated() {
            XCTAssertThrowsError(try make(), "case \(index)") { error in
                XCTAssertEqual(error as? LayerConfigurationError, expected, "case \(index)")
            }
        }
        let layer = try ConvTranspose2d(weight: weight, bias: nil, groups: 2)
        XCTAssertEqual(layer.outChannels, 6)
        XCTAssertEqual(try layer.validatedOutputShape(for: Shape(2, 4, 5, 1)), Shape(2, 6, 7, 3))
    }
}
