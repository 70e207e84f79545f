import ConvoyFilters
import ConvoyNN
import ConvoyTensor
import XCTest

final class FilterChainTests: XCTestCase {
    // MARK: Helpers

    /// Runs `specs` as a chain on one plane through `makeLayer()` and the im2col + SGEMM path.
    private func filter(_ image: [[Float]], _ specs: String..., border: BorderMode = .replicate) throws -> [[Float]] {
        let chain = try FilterChain(specs: specs, border: border)
        let input = Tensor(shape: Shape(1, 1, image.count, image[0].count), values: Array(image.joined()))
        let output = try run(chain, on: input)
        XCTAssertEqual(output.shape, input.shape)
        let width = image[0].count
        let values = output.array
        return (0..<image.count).map { Array(values[$0 * width ..< ($0 + 1) * width]) }
    }

    private func run(_ chain: FilterChain, on input: Tensor) throws -> Tensor {
        let layer = try chain.makeLayer()
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        layer.forward(input, into: output, context: ExecutionContext())
        return output
    }

    private func assertClose(
        _ actual: [[Float]], _ expected: [[Float]], accuracy: Float = 1e-5, _ message: String = "", line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, message, line: line)
        for (y, (row, expectedRow)) in zip(actual, expected).enumerated() {
            XCTAssertEqual(row.count, expectedRow.count, message, line: line)
            for (x, (value, expectedValue)) in zip(row, expectedRow).enumerated()
            where abs(value - expectedValue) > accuracy {
                XCTFail("\(message) at (\(y), \(x)): \(value) is not \(expectedValue)\n\(actual)", line: line)
                return
            }
        }
    }

    /// Five rows of `row`.
    private func rows(_ row: [Float]) -> [[Float]] { Array(repeating: row, count: 5) }

    /// A vertical step edge: dark on the left (columns 0 and 1), bright on the right.
    private let step: [[Float]] = Array(repeating: [0, 0, 1, 1, 1], count: 5)

    // MARK: Hand-computed results on a vertical step edge (replicated border)

    func testBlursOnAStepEdge() throws {
        assertClose(try filter(step, "identity"), step)
        // Box 3: the mean of columns x-1...x+1 (rows are all alike).
        assertClose(try filter(step, "box"), rows([0, 1.0 / 3, 2.0 / 3, 1, 1]))
        // Binomial 3: [1 2 1]/4 across columns, since [1 2 1]/4 down the rows sees equal values.
        assertClose(try filter(step, "gaussian"), rows([0, 0.25, 0.75, 1, 1]))
        // Binomial 5: [1 4 6 4 1]/16 across columns, the border replicating 0 on the left and 1 on the right.
        assertClose(try filter(step, "gaussian:size=5"), rows([1.0 / 16, 5.0 / 16, 11.0 / 16, 15.0 / 16, 1]))
    }

    func testSobelAndPrewittXArePositiveWhereBrightnessRisesToTheRight() throws {
        // Sobel-x = (1 + 2 + 1)·(in[x+1] − in[x−1]) = 4 on the two columns beside the edge.
        assertClose(try filter(step, "sobel-x"), rows([0, 4, 4, 0, 0]))
        assertClose(try filter(step, "prewitt-x"), rows([0, 3, 3, 0, 0]))
        // The y derivatives see no vertical change.
        assertClose(try filter(step, "sobel-y"), rows([0, 0, 0, 0, 0]))
        assertClose(try filter(step, "prewitt-y"), rows([0, 0, 0, 0, 0]))
        // Mirrored edge (bright on the left): negative.
        let mirrored = step.map { Array($0.reversed()) }
        assertClose(try filter(mirrored, "sobel-x"), rows([0, 0, -4, -4, 0]))
    }

    func testSobelAndPrewittYArePositiveWhereBrightnessRisesDownwards() throws {
        // The step turned on its side: dark rows on top.
        let horizontal: [[Float]] = (0..<5).map { y in Array(repeating: y < 2 ? 0 : 1, count: 5) }
        let expected: [[Float]] = [0, 4, 4, 0, 0].map { Array(repeating: $0, count: 5) }
        assertClose(try filter(horizontal, "sobel-y"), expected)
        assertClose(try filter(horizontal, "prewitt-y"), expected.map { $0.map { $0 * 3 / 4 } })
        assertClose(try filter(horizontal, "sobel-x"), rows([0, 0, 0, 0, 0]))
    }

    func testMagnitudesOnAStepEdge() throws {
        assertClose(try filter(step, "sobel"), rows([0, 4, 4, 0, 0]))
        assertClose(try filter(step, "prewitt"), rows([0, 3, 3, 0, 0]))
        // The bias comes after the square root; the scale before it.
        assertClose(try filter(step, "sobel:scale=0.5,bias=0.25"), rows([0.25, 2.25, 2.25, 0.25, 0.25]))
        // A magnitude is never negative, whichever way the edge goes.
        let mirrored = step.map { Array($0.reversed()) }
        assertClose(try filter(mirrored, "sobel"), rows([0, 0, 4, 4, 0]))
    }

    func testLaplacianSharpenAndEmbossOnAStepEdge() throws {
        // Rows are alike, so the Laplacian is in[x−1] + in[x+1] − 2·in[x].
        assertClose(try filter(step, "laplacian"), rows([0, 1, -1, 0, 0]))
        // Sharpen is the image minus its Laplacian.
        assertClose(try filter(step, "sharpen"), rows([0, -1, 2, 1, 1]))
        // Emboss columns sum to −3, 1, 3: −3·in[x−1] + in[x] + 3·in[x+1].
        assertClose(try filter(step, "emboss"), rows([0, 3, 4, 1, 1]))
        assertClose(try filter(step, "emboss:scale=0.25,bias=0.5"), rows([0.5, 1.25, 1.5, 0.75, 0.75]))
    }

    func testMagnitudeOnADiagonalRamp() throws {
        // in = x + 2y: inside, Sobel gx = 4·2 = 8 and gy = 4·4 = 16; Prewitt gx = 6 and gy = 12.
        let ramp: [[Float]] = (0..<5).map { y in (0..<5).map { x in Float(x + 2 * y) } }
        let sobel = try filter(ramp, "sobel")
        let prewitt = try filter(ramp, "prewitt")
        for y in 1...3 {
            for x in 1...3 {
                XCTAssertEqual(sobel[y][x], (64 + 256 as Float).squareRoot(), accuracy: 1e-4)
                XCTAssertEqual(prewitt[y][x], (36 + 144 as Float).squareRoot(), accuracy: 1e-4)
            }
        }
        // Magnitude is sqrt(gx² + gy²) of the separate x and y filters everywhere, edges included.
        let gx = try filter(ramp, "sobel-x")
        let gy = try filter(ramp, "sobel-y")
        let expected = zip(gx, gy).map { zip($0, $1).map { ($0 * $0 + $1 * $1).squareRoot() } }
        assertClose(sobel, expected, accuracy: 1e-4)
    }

    // MARK: Borders and shapes

    func testZeroBorderOnAStepEdge() throws {
        // Outside reads 0: the right edge falls from 1 to 0, and the top and bottom rows lose the
        // weight 1 of the missing row (2 + 1 = 3 instead of 4).
        assertClose(
            try filter(step, "sobel-x", border: .zero),
            [[0, 3, 3, 0, -3], [0, 4, 4, 0, -4], [0, 4, 4, 0, -4], [0, 4, 4, 0, -4], [0, 3, 3, 0, -3]]
        )
        // Reflect mirrors about the edge sample: in[−1] = in[1] and in[5] = in[3].
        assertClose(try filter(step, "sobel-x", border: .reflect), rows([0, 4, 4, 0, 0]))
    }

    func testNonSquareKernelIsCorrelationAndKeepsTheSize() throws {
        // [1 0 −1] is applied as written: out[x] = in[x−1] − in[x+1], zero outside.
        let ramp: [[Float]] = [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]
        assertClose(try filter(ramp, "[1 0 -1]", border: .zero), Array(repeating: [-1, -2, -2, -2, 3], count: 3))
        // A 3×1 column kernel works down the rows.
        let column: [[Float]] = [[1], [2], [4]]
        assertClose(try filter(column, "[1; 0; 0]", border: .zero), [[0], [1], [2]])
    }

    func testPlanesOfABatchAreFilteredIndependently() throws {
        var generator = SplitMix64(seed: 7)
        let planes = (0..<3).map { _ in (0..<6).map { _ in (0..<7).map { _ in Float.random(in: 0...1, using: &generator) } } }
        let chain = try FilterChain(specs: ["gaussian", "sobel"], border: .reflect)
        let batch = Tensor(shape: Shape(3, 1, 6, 7), values: Array(planes.joined().joined()))
        let together = try run(chain, on: batch).array
        for (index, plane) in planes.enumerated() {
            let alone = try filter(plane, "gaussian", "sobel", border: .reflect)
            XCTAssertEqual(Array(together[index * 42 ..< (index + 1) * 42]), Array(alone.joined()), "plane \(index)")
        }
        XCTAssertEqual(chain.outputChannelsPerPlane, 1)
    }

    func testEmptyChainPassesImagesThrough() throws {
        let image: [[Float]] = [[1, 2, 3], [4, 5, 6]]
        let chain = FilterChain(kernels: [], border: .zero)
        let input = Tensor(shape: Shape(1, 1, 2, 3), values: Array(image.joined()))
        XCTAssertEqual(try run(chain, on: input).array, [1, 2, 3, 4, 5, 6])
    }

    func testBadSpecsFailWhenTheChainIsMade() {
        XCTAssertThrowsError(try FilterChain(specs: ["gaussian", "blur"], border: .zero)) { error in
            guard case .unknownKernel(spec: "blur", name: "blur", _)? = error as? KernelSpecError else {
                return XCTFail("\(error)")
            }
        }
    }

    // MARK: Against the direct convolution, on random images

    /// What `kernel` should give, from `DirectConvolution` and an explicit square root.
    private func reference(_ kernel: Kernel, _ input: Tensor, border: BorderMode) -> Tensor {
        let shape = input.shape
        let outputs = kernel.partnerWeights == nil ? 1 : 2
        let geometry = Conv2dGeometry(
            batch: shape.n, inChannels: 1, inputHeight: shape.h, inputWidth: shape.w,
            outChannels: outputs, kernelHeight: kernel.height, kernelWidth: kernel.width,
            padY: kernel.height / 2, padX: kernel.width / 2, border: border
        )
        let weights = Array((kernel.weights + (kernel.partnerWeights ?? [])).joined())
        let weight = Tensor(shape: Shape(outputs, 1, kernel.height, kernel.width), values: weights)
        guard outputs == 2 else {
            let bias = Tensor(shape: Shape(1), values: [kernel.bias])
            return DirectConvolution.forward(input: input, weight: weight, bias: bias, geometry: geometry)
        }
        let pair = DirectConvolution.forward(input: input, weight: weight, bias: nil, geometry: geometry)
        let output = Tensor(shape: shape)
        for n in 0..<shape.n {
            for y in 0..<shape.h {
                for x in 0..<shape.w {
                    let gx = pair[n: n, c: 0, h: y, w: x]
                    let gy = pair[n: n, c: 1, h: y, w: x]
                    output[n: n, c: 0, h: y, w: x] = (gx * gx + gy * gy).squareRoot() + kernel.bias
                }
            }
        }
        return output
    }

    private func assertMatchesReference(
        _ specs: [String], height: Int, width: Int, border: BorderMode, generator: inout SplitMix64, line: UInt = #line
    ) throws {
        let values = (0..<(2 * height * width)).map { _ in Float.random(in: -1...1, using: &generator) }
        let input = Tensor(shape: Shape(2, 1, height, width), values: values)
        let chain = try FilterChain(specs: specs, border: border)
        var expected = input
        for kernel in chain.kernels {
            expected = reference(kernel, expected, border: border)
        }
        let actual = try run(chain, on: input).array
        for (index, (value, expectedValue)) in zip(actual, expected.array).enumerated()
        where abs(value - expectedValue) > 1e-4 * max(1, abs(expectedValue)) {
            return XCTFail("\(specs) \(border) \(height)×\(width): element \(index) is \(value), not \(expectedValue)", line: line)
        }
    }

    func testEveryBuiltInKernelMatchesTheDirectConvolution() throws {
        var generator = SplitMix64(seed: 42)
        for border in BorderMode.allCases {
            for builtIn in BuiltInKernel.allCases {
                try assertMatchesReference([builtIn.name], height: 9, width: 12, border: border, generator: &generator)
                try assertMatchesReference(
                    [builtIn.name + ":scale=1.5,bias=-0.25"], height: 7, width: 5, border: border, generator: &generator
                )
            }
        }
    }

    func testParametrisedAndCustomKernelsMatchTheDirectConvolution() throws {
        var generator = SplitMix64(seed: 1234)
        let specs = [
            "box:size=5", "gaussian:sigma=1.2", "gaussian:size=7", "[1 0 -1]", "[1; 2; 1]/4",
            "[1 2 3; 4 5 6; 7 8 9; 1 2 3; 4 5 6]/10:bias=0.1", "[0.5 -1 0.25 2 -0.75]",
        ]
        for border in BorderMode.allCases {
            for spec in specs {
                try assertMatchesReference([spec], height: 10, width: 13, border: border, generator: &generator)
            }
            // Kernels larger than the image: reflect keeps folding, replicate and zero pad as usual.
            try assertMatchesReference(["box:size=9"], height: 3, width: 4, border: border, generator: &generator)
            try assertMatchesReference(["sobel"], height: 1, width: 1, border: border, generator: &generator)
        }
    }

    func testChainsMatchTheDirectConvolutionAppliedInTurn() throws {
        var generator = SplitMix64(seed: 99)
        for border in BorderMode.allCases {
            try assertMatchesReference(
                ["gaussian:sigma=1", "sobel:bias=0.1", "[1 -1 1]:scale=0.5"], height: 16, width: 11,
                border: border, generator: &generator
            )
            try assertMatchesReference(["sharpen", "prewitt", "laplacian"], height: 8, width: 8, border: border, generator: &generator)
        }
    }
}
