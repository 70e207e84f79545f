import ConvoyTensor
import XCTest

/// `Convolution.backward` against the gradients written out as direct sums in Double:
///
///     dW[o, c, i, j] = Σ_{n, oy, ox} dY[n, o, oy, ox] · x(n, g·Cg + c, iy, ix)
///     dX[n, g·Cg + c, iy, ix] = Σ_{o in g, i, j, oy, ox reading it} W[o, c, i, j] · dY[n, o, oy, ox]
///     db[o] = Σ_{n, oy, ox} dY[n, o, oy, ox]
///
/// with `(iy, ix)` resolved by the border mode as the forward reads it.
final class ConvolutionBackwardTests: XCTestCase {
    struct Reference {
        var input: [Double], weight: [Double], bias: [Double]
    }

    static func direct(_ g: Conv2dGeometry, x: [Float], w: [Float], dy: [Float]) -> Reference {
        var dx = [Double](repeating: 0, count: x.count)
        var dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: g.outChannels)
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / g.outChannelsPerGroup
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let gradient = Double(dy[((n * g.outChannels + o) * oh + oy) * ow + ox])
                        db[o] += gradient
                        for c in 0..<g.inChannelsPerGroup {
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    guard let iy = g.border.sourceIndex(oy * g.strideY + i * g.dilationY - g.padY, count: g.inputHeight),
                                          let ix = g.border.sourceIndex(ox * g.strideX + j * g.dilationX - g.padX, count: g.inputWidth)
                                    else { continue }
                                    let xi = ((n * g.inChannels + group * g.inChannelsPerGroup + c) * g.inputHeight + iy) * g.inputWidth + ix
                                    let wi = ((o * g.inChannelsPerGroup + c) * g.kernelHeight + i) * g.kernelWidth + j
                                    dw[wi] += gradient * Double(x[xi])
                                    dx[xi] += gradient * Double(w[wi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return Reference(input: dx, weight: dw, bias: db)
    }

    func testMatchesDirectSumsOverRandomGeometriesTilesWorkersAndBothMultipliers() {
        var generator = SeededGenerator(seed: 62)
        let multipliers: [MatrixMultiplier] = [OneDNNMatrixMultiplier(), ReferenceMatrixMultiplier()]
        for trial in 0..<120 {
            let g = Col2imTests.randomGeometry(&generator, batch: Int.random(in: 1...4, using: &generator))
            let x = generator.floats(g.inputShape.count)
            let w = generator.floats(g.weightShape.count)
            let dy = generator.floats(g.outputShape.count)
            let expected = ConvolutionBackwardTests.direct(g, x: x, w: w, dy: dy)
            // Start the gradients non-zero: backward adds to them.
            let start = generator.floats(x.count + w.count + g.outChannels)
            let dx = Tensor(shape: g.inputShape, values: Array(start[0..<x.count]))
            let dw = Tensor(shape: g.weightShape, values: Array(start[x.count..<(x.count + w.count)]))
            let db = Tensor(shape: Shape(g.outChannels), values: Array(start[(x.count + w.count)...]))
            // Tiles of a few columns exercise tiling, mid-row tile starts and accumulation.
            // One to three workers share the images.
            let tileColumns = Int.random(in: 1...7, using: &generator)
            let workspaces = (0..<Int.random(in: 1...3, using: &generator)).map { _ in Workspace(tileColumns: tileColumns, tileFloatBudget: 1) }
            Convolution.backward(
                input: Tensor(shape: g.inputShape, values: x), weight: Tensor(shape: g.weightShape, values: w), geometry: g,
                outputGradient: Tensor(shape: g.outputShape, values: dy),
                inputGradient: dx, weightGradient: dw, biasGradient: db,
                workspaces: workspaces, gemm: multipliers[trial % 2]
            )
            func check(_ actual: Tensor, _ offset: Int, _ reference: [Double], _ what: String) {
                for (index, value) in reference.enumerated() {
                    let got = Double(actual.pointer[index]) - Double(start[offset + index])
                    XCTAssertEqual(got, value, accuracy: 1e-4 * max(1, abs(value)), "\(what)[\(index)] for \(g)")
                }
            }
            check(dx, 0, expected.input, "dX")
            check(dw, x.count, expected.weight, "dW")
            check(db, x.count + w.count, expected.bias, "db")
        }
    }
}
