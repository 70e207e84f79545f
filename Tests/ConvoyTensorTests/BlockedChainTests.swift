import ConvoyTensor
import XCTest

/// oneDNN's blocked-layout chains against the direct nested-loop convolution and a max pool
/// written out here.
final class BlockedChainTests: XCTestCase {
    /// Why chains were refused, for the failure messages.
    private var refusals: [String] = []

    /// The reference of one chain layer: the direct convolution then the activation, or the pool.
    private func reference(_ layer: BlockedLayer, _ input: Tensor) -> Tensor {
        switch layer {
        case .convolution(let geometry, let weight, let bias, let activation):
            let output = DirectConvolution.forward(input: input, weight: weight, bias: bias, geometry: geometry)
            let channels = geometry.outChannels, plane = geometry.outputHeight * geometry.outputWidth
            for i in 0..<output.count {
                let x = output.pointer[i]
                switch activation {
                case .none: break
                case .relu: output.pointer[i] = max(x, 0)
                case .leakyReLU(let slope): output.pointer[i] = x >= 0 ? x : slope * x
                case .prelu(let slopes): output.pointer[i] = x >= 0 ? x : slopes.pointer[slopes.count == 1 ? 0 : (i / plane) % channels] * x
                }
            }
            return output
        case .maxPool(let shape, let outputShape, let kernel, let stride, let padding, let dilation):
            let output = Tensor(shape: outputShape)
            for n in 0..<shape.n { for c in 0..<shape.c { for oy in 0..<outputShape.h { for ox in 0..<outputShape.w {
                var best = -Float.infinity
                for i in 0..<kernel.y { for j in 0..<kernel.x {
                    let y = oy * stride.y - padding.y + i * dilation.y, x = ox * stride.x - padding.x + j * dilation.x
                    if y >= 0, y < shape.h, x >= 0, x < shape.w { best = max(best, input[n: n, c: c, h: y, w: x]) }
                } }
                output.pointer[((n * shape.c + c) * outputShape.h + oy) * outputShape.w + ox] = best
            } } } }
            return output
        }
    }

    /// The worst difference between the chain's output and the reference, relative to the
    /// reference's largest magnitude (at least 1); nil when oneDNN built no chain.
    private func worstError(_ layers: [BlockedLayer], input: Tensor, precision: NetworkPrecision = .fp32, threads: Int = 1) -> Float? {
        let chain: BlockedChain
        do { chain = try BlockedChain.make(layers: layers, input: input.shape, precision: precision, threads: threads) } catch {
            refusals.append("\(error)")
            return nil
        }
        var expected = input
        for layer in layers { expected = reference(layer, expected) }
        let output = Tensor(shape: chain.outputShape)
        output.fill(.nan)
        XCTAssertEqual(chain.outputShape, expected.shape)
        chain.run(input.pointer, into: output.pointer)
        let want = expected.array, got = output.array
        let scale = max(1, want.map(abs).max() ?? 0)
        var worst: Float = 0
        for i in want.indices {
            let difference = abs(got[i] - want[i])
            worst = difference.isNaN ? .infinity : max(worst, difference)
        }
        return worst / scale
    }

    private func convolution(_ geometry: Conv2dGeometry, activation: BlockedActivation, bias: Bool = true,
                             random: inout SeededGenerator) -> BlockedLayer {
        .convolution(geometry: geometry, weight: Tensor(shape: geometry.weightShape, values: random.floats(geometry.weightShape.count)),
                     bias: bias ? Tensor(shape: Shape(geometry.outChannels), values: random.floats(geometry.outChannels)) : nil,
                     activation: activation)
    }

    private func geometry(_ input: Shape, out: Int, kernel: Int, stride: Int = 1, pad: Int = 1, dilation: Int = 1) -> Conv2dGeometry {
        Conv2dGeometry(batch: input.n, inChannels: input.c, inputHeight: input.h, inputWidth: input.w, outChannels: out,
                       kernelHeight: kernel, kernelWidth: kernel, strideY: stride, strideX: stride, padY: pad, padX: pad,
                       dilationY: dilation, dilationX: dilation, groups: 1, border: .zero)
    }

    /// One convolution over a seeded sweep of channels (1–40, across the 16-channel blocks),
    /// kernels 1–5 (not square), stride 1–3, padding 0–3, dilation 1–2, bias or none, each
    /// activation, batch 1–3 and 1 or 2 threads: within 1e-4 of the direct convolution. Nearly
    /// all must build (a few strided shapes whose last window stops short of the padding may not).
    func testConvolutionMatchesDirectConvolution() {
        var random = SeededGenerator(seed: 4017)
        var built = 0
        let cases = 160
        for index in 0..<cases {
            let kernelHeight = Int.random(in: 1...5, using: &random), kernelWidth = Int.random(in: 1...5, using: &random)
            let padY = Int.random(in: 0...min(3, kernelHeight), using: &random), padX = Int.random(in: 0...min(3, kernelWidth), using: &random)
            let dilationY = Int.random(in: 1...2, using: &random), dilationX = Int.random(in: 1...2, using: &random)
            let g = Conv2dGeometry(
                batch: Int.random(in: 1...3, using: &random), inChannels: Int.random(in: 1...40, using: &random),
                inputHeight: max(1, dilationY * (kernelHeight - 1) + 1 - 2 * padY) + Int.random(in: 0...12, using: &random),
                inputWidth: max(1, dilationX * (kernelWidth - 1) + 1 - 2 * padX) + Int.random(in: 0...20, using: &random),
                outChannels: Int.random(in: 1...40, using: &random), kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                strideY: Int.random(in: 1...3, using: &random), strideX: Int.random(in: 1...3, using: &random), padY: padY, padX: padX,
                dilationY: dilationY, dilationX: dilationX, groups: 1, border: .zero)
            let slopes = Tensor(shape: Shape(index % 2 == 0 ? g.outChannels : 1), values: random.floats(index % 2 == 0 ? g.outChannels : 1))
            let activation: BlockedActivation = [.none, .relu, .leakyReLU(slope: 0.1), .prelu(slopes: slopes)][index % 4]
            let input = Tensor(shape: g.inputShape, values: random.floats(g.inputShape.count))
            let layer = convolution(g, activation: activation, bias: index % 5 != 0, random: &random)
            guard let worst = worstError([layer], input: input, threads: 1 + index % 2) else { continue }
            built += 1
            XCTAssertLessThanOrEqual(worst, 1e-4, "case \(index): \(g)")
        }
        XCTAssertGreaterThanOrEqual(built, cases * 9 / 10, "oneDNN built too few chains: \(refusals)")
    }

    /// Chains as networks have them, in FP32 within 1e-4 of the layer-by-layer reference:
    /// tiny-features (3→16, ReLU, 2×2 pool, 16→32, 32→32) and a PNet-shaped trunk (PReLU, a
    /// ceil-mode 3×3 stride-2 pool over an odd size, 10 channels), on 1 and 2 threads.
    func testNetworkChainsMatchLayerByLayer() throws {
        var random = SeededGenerator(seed: 17)
        for threads in [1, 2] {
            let tiny = try unwrap(worstError(tinyFeatures(Shape(2, 3, 37, 50), random: &random), input: randomInput(Shape(2, 3, 37, 50), &random),
                                                threads: threads))
            XCTAssertLessThanOrEqual(tiny, 1e-4)
            let pnet = try unwrap(worstError(pnetTrunk(Shape(1, 3, 42, 54), random: &random), input: randomInput(Shape(1, 3, 42, 54), &random),
                                                threads: threads))
            XCTAssertLessThanOrEqual(pnet, 1e-4)
        }
    }

    /// The layers are oneDNN's JIT kernels, not its GEMM-based or reference ones, and the
    /// 3-channel frame is read as it is (no reorder before the first convolution).
    func testUsesJITKernels() throws {
        var random = SeededGenerator(seed: 5)
        let chain = try BlockedChain.make(layers: tinyFeatures(Shape(1, 3, 72, 128), random: &random), input: Shape(1, 3, 72, 128),
                                          precision: .fp32, threads: 1)
        XCTAssertFalse(chain.implementations.contains { $0.contains("ref") || $0.contains("gemm") }, "\(chain.implementations)")
        XCTAssertFalse(chain.implementations.first!.contains("reorder"), "\(chain.implementations)")
    }

    /// bf16 inputs and weights with FP32 accumulation: within 1e-2 of the FP32 reference on both
    /// networks, with oneDNN's AVX512_BF16 kernels; skipped on CPUs without them.
    func testBF16WithinOnePercent() throws {
        try XCTSkipUnless(CPUFeatures.current.avx512bf16, "this CPU has no AVX512_BF16")
        var random = SeededGenerator(seed: 16)
        let shape = Shape(2, 3, 45, 64)
        let tiny = tinyFeatures(shape, random: &random)
        let input = randomInput(shape, &random)
        let worst = try unwrap(worstError(tiny, input: input, precision: .bf16))
        XCTAssertLessThanOrEqual(worst, 1e-2)
        XCTAssertGreaterThan(worst, 1e-6, "bf16 gave FP32's results: it did not run in bf16")
        let pnet = try unwrap(worstError(pnetTrunk(shape, random: &random), input: input, precision: .bf16, threads: 2))
        XCTAssertLessThanOrEqual(pnet, 1e-2)
        let chain = try BlockedChain.make(layers: tiny, input: shape, precision: .bf16, threads: 1)
        XCTAssertTrue(chain.implementations.contains { $0.contains("bf16") }, "\(chain.implementations)")
    }

    private func unwrap(_ worst: Float?) throws -> Float {
        try XCTUnwrap(worst, "oneDNN refused the chain: \(refusals)")
    }

    private func randomInput(_ shape: Shape, _ random: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, values: random.floats(shape.count))
    }

    private func tinyFeatures(_ input: Shape, random: inout SeededGenerator) -> [BlockedLayer] {
        let first = geometry(input, out: 16, kernel: 3)
        let pooled = Shape(input.n, 16, first.outputHeight / 2, first.outputWidth / 2)
        let second = geometry(pooled, out: 32, kernel: 3)
        let third = geometry(second.outputShape, out: 32, kernel: 3)
        return [convolution(first, activation: .relu, random: &random),
                .maxPool(input: first.outputShape, output: pooled, kernel: (2, 2), stride: (2, 2), padding: (0, 0), dilation: (1, 1)),
                convolution(second, activation: .relu, random: &random), convolution(third, activation: .relu, random: &random)]
    }

    private func pnetTrunk(_ input: Shape, random: inout SeededGenerator) -> [BlockedLayer] {
        func prelu(_ channels: Int) -> BlockedActivation {
            .prelu(slopes: Tensor(shape: Shape(channels), values: random.floats(channels)))
        }
        let first = geometry(input, out: 10, kernel: 3, pad: 0)
        let ceil = { (size: Int) in (size - 3 + 1) / 2 + 1 }
        let pooled = Shape(input.n, 10, ceil(first.outputHeight), ceil(first.outputWidth))
        let second = geometry(pooled, out: 16, kernel: 3, pad: 0)
        let third = geometry(second.outputShape, out: 32, kernel: 3, pad: 0)
        return [convolution(first, activation: prelu(10), random: &random),
                .maxPool(input: first.outputShape, output: pooled, kernel: (3, 3), stride: (2, 2), padding: (0, 0), dilation: (1, 1)),
                convolution(second, activation: prelu(16), random: &random), convolution(third, activation: prelu(32), random: &random)]
    }
}
