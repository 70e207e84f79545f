import ConvoyTensor
import XCTest

/// The im2col + SGEMM convolution against the direct nested-loop reference.
final class ConvolutionTests: XCTestCase {
    private struct Case: CustomStringConvertible {
        var geometry: Conv2dGeometry
        var hasBias: Bool
        var tileColumns: Int
        var useReferenceGEMM: Bool
        var workers = 1
        var tileFloatBudget = 262_144

        var description: String {
            let g = geometry
            return "in \(g.inputShape) w \(g.weightShape) stride (\(g.strideY), \(g.strideX)) pad (\(g.padY), \(g.padX)) "
                + "dilation (\(g.dilationY), \(g.dilationX)) groups \(g.groups) \(g.border) bias \(hasBias) tile \(tileColumns) (\(tileFloatBudget) floats) workers \(workers)"
        }
    }

    /// Runs both implementations on random data and compares them within 1e-4 of the output
    /// scale. The output starts as NaN so that any sample the fast path forgets shows up.
    private func check(_ testCase: Case, random: inout SeededGenerator, file: StaticString = #filePath, line: UInt = #line) {
        let g = testCase.geometry
        let input = Tensor(shape: g.inputShape, values: random.floats(g.inputShape.count))
        let weight = Tensor(shape: g.weightShape, values: random.floats(g.weightShape.count))
        let bias = testCase.hasBias ? Tensor(shape: Shape(g.outChannels), values: random.floats(g.outChannels)) : nil
        let expected = DirectConvolution.forward(input: input, weight: weight, bias: bias, geometry: g)
        let output = Tensor(shape: g.outputShape)
        output.fill(.nan)
        let gemm: MatrixMultiplier = testCase.useReferenceGEMM ? ReferenceMatrixMultiplier() : OneDNNMatrixMultiplier()
        Convolution.forward(
            input: input, weight: weight, bias: bias, geometry: g, output: output,
            workspaces: (0..<testCase.workers).map { _ in Workspace(tileColumns: testCase.tileColumns, tileFloatBudget: testCase.tileFloatBudget) }, gemm: gemm
        )
        let want = expected.array
        let got = output.array
        let scale = max(1, want.map(abs).max() ?? 0)
        var worst: Float = 0
        for i in want.indices {
            let difference = abs(got[i] - want[i])
            worst = difference.isNaN ? .infinity : max(worst, difference)
        }
        XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(testCase)", file: file, line: line)
    }

    /// A seeded sweep over batch, channels, groups (dense, two groups, depthwise), kernel sizes
    /// 1–5 (square or not), stride 1–3, padding 0–3, dilation 1–3, bias, border mode and tile size
    /// (small tiles split output rows across GEMMs).
    func testMatchesDirectConvolutionOnRandomGeometries() {
        var random = SeededGenerator(seed: 2024)
        let tiles = [7, 50, 65_536]
        for index in 0..<400 {
            let batch = Int.random(in: 1...3, using: &random)
            let inChannels: Int, outChannels: Int, groups: Int
            switch index % 3 {
            case 0:
                groups = 1
                inChannels = Int.random(in: 1...4, using: &random)
                outChannels = Int.random(in: 1...4, using: &random)
            case 1:
                groups = 2
                inChannels = 2 * Int.random(in: 1...3, using: &random)
                outChannels = 2 * Int.random(in: 1...3, using: &random)
            default:
                inChannels = Int.random(in: 1...4, using: &random)
                groups = inChannels
                outChannels = inChannels * Int.random(in: 1...2, using: &random)
            }
            let pointwise = index % 10 == 9
            let kernelHeight = pointwise ? 1 : Int.random(in: 1...5, using: &random)
            let kernelWidth = pointwise ? 1 : Int.random(in: 1...5, using: &random)
            let strideY = pointwise ? 1 : Int.random(in: 1...3, using: &random)
            let strideX = pointwise ? 1 : Int.random(in: 1...3, using: &random)
            let padY = pointwise ? 0 : Int.random(in: 0...3, using: &random)
            let padX = pointwise ? 0 : Int.random(in: 0...3, using: &random)
            let dilationY = Int.random(in: 1...3, using: &random)
            let dilationX = Int.random(in: 1...3, using: &random)
            let minimumHeight = max(1, dilationY * (kernelHeight - 1) + 1 - 2 * padY)
            let minimumWidth = max(1, dilationX * (kernelWidth - 1) + 1 - 2 * padX)
            let geometry = Conv2dGeometry(
                batch: batch, inChannels: inChannels,
                inputHeight: minimumHeight + Int.random(in: 0...9, using: &random),
                inputWidth: minimumWidth + Int.random(in: 0...11, using: &random),
                outChannels: outChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                strideY: strideY, strideX: strideX, padY: padY, padX: padX,
                dilationY: dilationY, dilationX: dilationX, groups: groups,
                border: BorderMode.allCases.randomElement(using: &random)!
            )
            check(Case(
                geometry: geometry,
                hasBias: Bool.random(using: &random),
                tileColumns: tiles.randomElement(using: &random)!,
                useReferenceGEMM: index % 8 == 0,
                workers: 1 + index % 3
            ), random: &random)
        }
    }

    /// Layers with 32 or more GEMM rows per kernel column (input channels per group × kernel
    /// height), stride 1 across and no dilation down take the row-shifted path (each input row
    /// packed once per tile, one GEMM per output row and kernel column): every border, stride
    /// down, padding, dilation across, groups, bias, and tiles of one output row (a budget of 1
    /// float), a few rows and the whole frame.
    func testRowShiftedPathMatchesDirectConvolution() {
        var random = SeededGenerator(seed: 2025)
        for index in 0..<60 {
            let groups = index % 4 == 3 ? 2 : 1
            let kernelHeight = Int.random(in: 2...5, using: &random)
            let perGroup = (32 + kernelHeight - 1) / kernelHeight + Int.random(in: 0...3, using: &random)
            let kernelWidth = Int.random(in: 2...5, using: &random)
            let padY = Int.random(in: 0...2, using: &random), padX = Int.random(in: 0...3, using: &random)
            // Every sixth is dilated down: the same wide layers through the im2col path instead.
            let dilationY = index % 6 == 5 ? 2 : 1, dilationX = Int.random(in: 1...3, using: &random)
            let geometry = Conv2dGeometry(
                batch: Int.random(in: 1...2, using: &random), inChannels: groups * perGroup,
                inputHeight: max(1, dilationY * (kernelHeight - 1) + 1 - 2 * padY) + Int.random(in: 0...6, using: &random),
                inputWidth: max(1, dilationX * (kernelWidth - 1) + 1 - 2 * padX) + Int.random(in: 0...20, using: &random),
                outChannels: groups * Int.random(in: 1...5, using: &random), kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                strideY: Int.random(in: 1...2, using: &random), strideX: 1, padY: padY, padX: padX,
                dilationY: dilationY, dilationX: dilationX, groups: groups,
                border: BorderMode.allCases.randomElement(using: &random)!
            )
            XCTAssertGreaterThanOrEqual(geometry.inChannelsPerGroup * geometry.kernelHeight, 32)
            check(Case(geometry: geometry, hasBias: Bool.random(using: &random), tileColumns: 65_536,
                       useReferenceGEMM: index % 5 == 0, workers: 1 + index % 2, tileFloatBudget: [1, 2_000, 262_144][index % 3]),
                  random: &random)
        }
    }

    /// Fixed cases a video filter meets: 5×5 blur-like depthwise RGB, a 1×3 / 3×1 pair, 5×3,
    /// Sobel-style 3 → 6 channels, and a 1×1 channel mix, across border modes, with tiles that
    /// split rows.
    func testTypicalFilterShapes() {
        var random = SeededGenerator(seed: 99)
        let shapes: [(inC: Int, outC: Int, kh: Int, kw: Int, groups: Int)] = [
            (3, 3, 5, 5, 3), (3, 3, 1, 3, 1), (3, 3, 3, 1, 3), (2, 4, 5, 3, 1), (3, 6, 3, 3, 3), (3, 3, 1, 1, 1),
        ]
        for shape in shapes {
            for border in BorderMode.allCases {
                for tile in [13, 65_536] {
                    let geometry = Conv2dGeometry(
                        batch: 2, inChannels: shape.inC, inputHeight: 19, inputWidth: 23,
                        outChannels: shape.outC, kernelHeight: shape.kh, kernelWidth: shape.kw,
                        padY: shape.kh / 2, padX: shape.kw / 2, groups: shape.groups, border: border
                    )
                    XCTAssertEqual(geometry.outputShape, Shape(2, shape.outC, 19, 23))
                    check(Case(geometry: geometry, hasBias: true, tileColumns: tile, useReferenceGEMM: false), random: &random)
                }
            }
        }
    }

    /// A hand-computed example: 3×3 box sum with bias 0.5 on a 3×3 ramp, zero padding 1.
    func testHandComputedBoxSum() {
        let input = Tensor(shape: Shape(1, 1, 3, 3), values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let weight = Tensor(shape: Shape(1, 1, 3, 3), values: [Float](repeating: 1, count: 9))
        let bias = Tensor(shape: Shape(1), values: [0.5])
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 3, inputWidth: 3,
            outChannels: 1, kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1
        )
        let output = Tensor(shape: geometry.outputShape)
        Convolution.forward(
            input: input, weight: weight, bias: bias, geometry: geometry, output: output,
            workspace: Workspace(tileColumns: 4), gemm: OneDNNMatrixMultiplier()
        )
        XCTAssertEqual(output.array, [12, 21, 16, 27, 45, 33, 24, 39, 28].map { $0 + 0.5 })
    }

    /// Correlation, not convolution: a kernel with a single tap at its top-left corner shifts
    /// the image down and right (output (y, x) reads input (y - 1, x - 1)).
    func testIsCorrelationWithoutKernelFlip() {
        let input = Tensor(shape: Shape(1, 1, 3, 3), values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let weight = Tensor(shape: Shape(1, 1, 3, 3), values: [1, 0, 0, 0, 0, 0, 0, 0, 0])
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 3, inputWidth: 3,
            outChannels: 1, kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1
        )
        let output = Tensor(shape: geometry.outputShape)
        Convolution.forward(
            input: input, weight: weight, bias: nil, geometry: geometry, output: output,
            workspace: Workspace(), gemm: OneDNNMatrixMultiplier()
        )
        XCTAssertEqual(output.array, [0, 0, 0, 0, 1, 2, 0, 4, 5])
    }

    /// A 1×1, stride-1, unpadded layer multiplies the input directly and never touches the
    /// workspace.
    func testPointwiseSkipsWorkspace() {
        let geometry = Conv2dGeometry(
            batch: 2, inChannels: 2, inputHeight: 2, inputWidth: 2,
            outChannels: 1, kernelHeight: 1, kernelWidth: 1
        )
        let input = Tensor(shape: geometry.inputShape, values: [1, 2, 3, 4, 10, 20, 30, 40, 5, 6, 7, 8, 50, 60, 70, 80])
        let weight = Tensor(shape: geometry.weightShape, values: [1, -1])
        let output = Tensor(shape: geometry.outputShape)
        let workspace = Workspace()
        Convolution.forward(
            input: input, weight: weight, bias: nil, geometry: geometry, output: output,
            workspace: workspace, gemm: OneDNNMatrixMultiplier()
        )
        XCTAssertEqual(output.array, [-9, -18, -27, -36, -45, -54, -63, -72])
        XCTAssertEqual(workspace.highWaterMark, 0)
    }
}
