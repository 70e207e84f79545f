import ConvoyFilters
import ConvoyNN
import ConvoyTensor
import XCTest

/// The direct engine against the im2col layer the same chain builds (itself tested against a
/// direct convolution), on random 8-bit and 10-bit planes, every border mode, chains and odd sizes.
final class PlaneStreamFilterTests: XCTestCase {
    private let chains: [[String]] = [
        ["gaussian"], ["box:size=5"], ["sobel"], ["sharpen"], ["emboss:bias=0.5"], ["laplacian"],
        ["[1 2 3]/6"], ["[1; 2; 1]/4"], ["gaussian:size=7,sigma=2"], ["identity"],
        ["gaussian", "sobel", "[1 0 -1]"], ["box", "sharpen"], ["prewitt"],
    ]

    /// A gradient pair whose matrices are not outer products: it runs as two 2-D correlations.
    private func skewPair() throws -> Kernel {
        try Kernel(name: "skew", matrix: [[1, 2, 0], [0, 1, 0], [0, 0, 1]], divisor: 4,
                   kind: .gradientMagnitude(partner: [[0, 0, 1], [0, 1, 0], [1, -3, 0]]))
    }

    /// Filters a random `width`×`height` plane of `maxLevel` levels both ways; returns the largest
    /// level difference and how many samples differ where the im2col result is not at a rounding
    /// tie (within 0.01 level of k + ½, where the two summation orders may round either way).
    private func compare(_ specs: [String], border: BorderMode, width: Int, height: Int, maxLevel: Int,
                         generator: inout SplitMix64) throws -> (maximum: Int, differing: Int) {
        try compare(FilterChain(specs: specs, border: border), width: width, height: height, maxLevel: maxLevel,
                    generator: &generator)
    }

    private func compare(_ chain: FilterChain, width: Int, height: Int, maxLevel: Int,
                         generator: inout SplitMix64) throws -> (maximum: Int, differing: Int) {
        let levels = (0..<(width * height)).map { _ in Int.random(in: 0...maxLevel, using: &generator) }
        // The im2col path: levels scaled to 0…1, the chain's layer, SampleLevels.store back.
        let input = Tensor(shape: Shape(1, 1, height, width), values: levels.map { Float($0) / Float(maxLevel) })
        let layer = try chain.makeLayer()
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        layer.forward(input, into: output, context: ExecutionContext(gemm: ReferenceMatrixMultiplier()))
        var expected = [UInt16](repeating: 0, count: levels.count)
        SampleLevels.store(UnsafePointer(output.pointer), into: &expected, count: levels.count, top: Float(maxLevel))

        // The direct path, in place on a plane with padded rows.
        let filter = PlaneStreamFilter(chain: chain)
        XCTAssertTrue(filter.supports(width: width, height: height))
        let got = PlaneStreamFilterTests.filtered(levels, by: filter, width: width, height: height, maxLevel: maxLevel,
                                                  rowPadding: 24)
        var maximum = 0, differing = 0
        for index in levels.indices {
            let difference = abs(got[index] - Int(expected[index]))
            maximum = max(maximum, difference)
            let exact = output.pointer[index] * Float(maxLevel)
            let atTie = abs(exact - exact.rounded(.down) - 0.5) < 0.01
            if difference > 0 && !atTie { differing += 1 }
        }
        return (maximum, differing)
    }

    func testDirectPathEqualsTheIm2colLayerWithinRounding() throws {
        var generator = SplitMix64(seed: 7)
        for specs in chains + [["skew"]] {
            for border in BorderMode.allCases {
                let chain = specs == ["skew"] ? FilterChain(kernels: [try skewPair()], border: border)
                                              : try FilterChain(specs: specs, border: border)
                for (width, height) in [(40, 33), (17, 9), (90, 16)] {
                    for maxLevel in [255, 1023] {
                        let (maximum, differing) = try compare(chain, width: width, height: height,
                                                               maxLevel: maxLevel, generator: &generator)
                        let label = "\(specs) \(border) \(width)×\(height) 0…\(maxLevel)"
                        // The sums run in another order: a level may flip at a rounding tie, nowhere else.
                        XCTAssertLessThanOrEqual(maximum, 1, label)
                        XCTAssertEqual(differing, 0, label)
                    }
                }
            }
        }
    }

    /// Which chains take the whole-number path: one 3×3 kernel with whole taps, linear over a power
    /// of two (one included) without bias or a separable gradient pair, on samples whose sums fit
    /// in 16 bits.
    func testWholeNumberPathTakesExactlyItsKernels() throws {
        func whole(_ specs: [String], _ maxLevel: Int = 255) throws -> Bool {
            PlaneStreamFilter(chain: try FilterChain(specs: specs, border: .replicate)).runsInWholeNumbers(maxLevel: maxLevel)
        }
        for specs in [["gaussian"], ["sobel"], ["prewitt"], ["[1 2 1; 2 4 2; 1 2 1]/8"], ["[-1 2 -1; -2 4 -2; -1 2 -1]/4"],
                      ["sobel:scale=0.125,bias=0.25"], ["gaussian:scale=0.5"], ["sharpen"], ["laplacian"], ["emboss"],
                      ["sobel-x"], ["[0 1 0; 1 4 1; 0 1 0]/8"], ["[3 0 -1; 0 0 0; -1 0 3]/2"]] {
            XCTAssertTrue(try whole(specs), "\(specs)")
            XCTAssertTrue(try whole(specs, 1023), "\(specs) on 10-bit samples")
            XCTAssertFalse(try whole(specs, 65535), "\(specs) on 16-bit samples overflows Int16")
        }
        for specs in [["box"], ["gaussian:sigma=1"], ["emboss:bias=0.5"], ["gaussian:bias=0.1"], ["[1 2 1]/4"], ["gaussian:size=5"],
                      ["gaussian", "gaussian"], ["[1 2 1; 2 4 2; 1 2 1]/15"], ["[1 0 0; 0 1 0; 0 0 1]/3"], ["sharpen:scale=0.3"],
                      ["[1 64 1; 64 64 64; 1 64 1]/1"]] {
            XCTAssertFalse(try whole(specs), "\(specs)")
        }
    }

    /// The whole-number path against an exact reference: the correlation summed in Double (the
    /// taps are exact there), rounded to the nearest level with ties to even, clamped; every
    /// sample must match, ties included, at every kernel level this processor runs (the Swift
    /// loops at the baseline, CConvoyKernels' AVX2 and AVX-512 rows above it).
    func testWholeNumberPathRoundsExactly() throws {
        let previous = KernelLevel.current
        defer { KernelLevel.use(previous) }
        for level in KernelLevel.allCases where level <= KernelLevel.supported {
            KernelLevel.use(level)
            try checkWholeNumberPath(level: level)
        }
    }

    private func checkWholeNumberPath(level: KernelLevel) throws {
        var generator = SplitMix64(seed: 23)
        let cases: [[String]] = [["gaussian"], ["sobel"], ["prewitt"], ["[1 2 1; 2 4 2; 1 2 1]/8"],
                                 ["[-1 2 -1; -2 4 -2; -1 2 -1]/4"], ["sobel:scale=0.125"], ["gaussian:scale=0.5"],
                                 ["sharpen"], ["laplacian"], ["emboss"], ["sobel-x"], ["[0 1 0; 1 4 1; 0 1 0]/8"],
                                 ["[3 0 -1; 0 0 0; -1 0 3]/2"]]
        for specs in cases {
            for border in BorderMode.allCases {
                let kernel = try KernelSpec.parse(specs[0])
                let filter = PlaneStreamFilter(chain: FilterChain(kernels: [kernel], border: border))
                for (width, height, maxLevel) in [(37, 11, 255), (16, 3, 255), (3, 5, 1023), (50, 21, 1023), (131, 6, 255), (97, 4, 1023)] {
                    XCTAssertTrue(filter.runsInWholeNumbers(maxLevel: maxLevel))
                    // Flat runs and extremes make ties and clamps common, noise the rest.
                    let levels = (0..<(width * height)).map { index -> Int in
                        switch Int.random(in: 0..<4, using: &generator) {
                        case 0: return maxLevel
                        case 1: return index % 7 == 0 ? 1 : 0
                        default: return Int.random(in: 0...maxLevel, using: &generator)
                        }
                    }
                    let expected = PlaneStreamFilterTests.exact(kernel, levels, width: width, height: height,
                                                                border: border, maxLevel: maxLevel)
                    let got = PlaneStreamFilterTests.filtered(levels, by: filter, width: width, height: height,
                                                              maxLevel: maxLevel, rowPadding: 8)
                    let mismatches = zip(got, expected).filter { $0 != $1 }.count
                    XCTAssertEqual(mismatches, 0, "\(specs) \(border) \(width)×\(height) 0…\(maxLevel), kernel level \(level.name)")
                }
            }
        }
    }

    /// The Float32 path (kernels without whole taps, chains, 16-bit samples) gives the baseline's
    /// bits at every kernel level: CConvoyKernels' rows add in the Swift loops' order.
    func testFloatPathIsTheSameAtEveryKernelLevel() throws {
        var generator = SplitMix64(seed: 29)
        let cases: [[String]] = [["box:size=5"], ["gaussian:sigma=1.2"], ["box", "sharpen"], ["sobel"], ["prewitt:scale=0.3"],
                                 ["[1 0 2; 0 -1 0; 3 0 1]/5"], ["emboss"], ["[1 2 3 2 1]/9"]]
        let previous = KernelLevel.current
        defer { KernelLevel.use(previous) }
        for specs in cases {
            for border in BorderMode.allCases {
                let chain = try FilterChain(specs: specs, border: border)
                for (width, height, maxLevel) in [(37, 13, 255), (70, 11, 65535), (133, 12, 1023)] {
                    let levels = (0..<(width * height)).map { _ in Int.random(in: 0...maxLevel, using: &generator) }
                    var outputs: [[Int]] = []
                    for level in KernelLevel.allCases where level <= KernelLevel.supported {
                        KernelLevel.use(level)
                        let filter = PlaneStreamFilter(chain: chain)
                        if maxLevel == 255 && specs.count == 1 && filter.runsInWholeNumbers(maxLevel: maxLevel) { continue }
                        outputs.append(PlaneStreamFilterTests.filtered(levels, by: filter, width: width, height: height,
                                                                       maxLevel: maxLevel, rowPadding: 4))
                    }
                    for output in outputs.dropFirst() {
                        XCTAssertEqual(output, outputs[0], "\(specs) \(border) \(width)×\(height) 0…\(maxLevel)")
                    }
                }
            }
        }
    }

    /// `levels` (row by row) stored as a plane of 8-bit samples (16-bit above 255) whose rows
    /// carry `rowPadding` bytes beyond their samples, filtered in place by `filter`, read back.
    private static func filtered(_ levels: [Int], by filter: PlaneStreamFilter, width: Int, height: Int, maxLevel: Int,
                                 rowPadding: Int) -> [Int] {
        let bytes = maxLevel > 255 ? 2 : 1
        let stride = width * bytes + rowPadding
        let plane = UnsafeMutableRawPointer.allocate(byteCount: stride * height, alignment: 64)
        defer { plane.deallocate() }
        for y in 0..<height {
            for x in 0..<width {
                let level = levels[y * width + x]
                if bytes == 1 { plane.storeBytes(of: UInt8(level), toByteOffset: y * stride + x, as: UInt8.self) }
                else { plane.storeBytes(of: UInt16(level), toByteOffset: y * stride + 2 * x, as: UInt16.self) }
            }
        }
        filter.apply(to: plane, width: width, height: height, stride: stride, bytesPerSample: bytes, maxLevel: maxLevel)
        return (0..<(width * height)).map { index in
            let (y, x) = (index / width, index % width)
            return bytes == 1 ? Int(plane.load(fromByteOffset: y * stride + x, as: UInt8.self))
                              : Int(plane.load(fromByteOffset: y * stride + 2 * x, as: UInt16.self))
        }
    }

    /// The correctly rounded levels of `kernel` over `levels`, computed in Double.
    private static func exact(_ kernel: Kernel, _ levels: [Int], width: Int, height: Int, border: BorderMode,
                              maxLevel: Int) -> [Int] {
        let size = kernel.width
        let radius = size / 2
        func correlate(_ weights: [Float], _ x: Int, _ y: Int) -> Double {
            var sum = 0.0
            for ky in 0..<size {
                for kx in 0..<size {
                    guard let sy = border.sourceIndex(y + ky - radius, count: height),
                          let sx = border.sourceIndex(x + kx - radius, count: width) else { continue }
                    sum += Double(weights[ky * size + kx]) * Double(levels[sy * width + sx])
                }
            }
            return sum
        }
        let weights = Array(kernel.weights.joined())
        let partner = kernel.partnerWeights.map { Array($0.joined()) }
        var result: [Int] = []
        for y in 0..<height {
            for x in 0..<width {
                var value = correlate(weights, x, y)
                if let partner {
                    let other = correlate(partner, x, y)
                    value = (value * value + other * other).squareRoot()
                }
                value += Double(kernel.bias) * Double(maxLevel)
                result.append(Int(min(max(value, 0), Double(maxLevel)).rounded(.toNearestOrEven)))
            }
        }
        return result
    }

    func testSmallestPlanesAKernelFits() throws {
        var generator = SplitMix64(seed: 11)
        let filter = PlaneStreamFilter(chain: try FilterChain(specs: ["box:size=5"], border: .reflect))
        XCTAssertFalse(filter.supports(width: 4, height: 20), "narrower than the kernel: the im2col path takes it")
        XCTAssertFalse(filter.supports(width: 20, height: 4))
        XCTAssertTrue(filter.supports(width: 5, height: 5))
        for border in BorderMode.allCases {
            let (maximum, _) = try compare(["box:size=5"], border: border, width: 5, height: 5, maxLevel: 255, generator: &generator)
            XCTAssertLessThanOrEqual(maximum, 1, "\(border)")
            let (thin, _) = try compare(["gaussian"], border: border, width: 3, height: 3, maxLevel: 255, generator: &generator)
            XCTAssertLessThanOrEqual(thin, 1, "\(border)")
        }
    }

    func testOuterProductKernelsRunInTwoPasses() throws {
        let specs = ["gaussian", "box:size=5", "sobel-x", "[1 2 1]", "sharpen", "emboss", "sobel",
                     "gaussian:size=5,sigma=1.3", "prewitt"]
        let kernels = try specs.map { try KernelSpec.parse($0) } + [try skewPair()]
        let chain = FilterChain(kernels: kernels, border: .replicate)
        XCTAssertEqual(PlaneStreamFilter(chain: chain).separableKernels,
                       [true, true, true, false, false, false, true, true, true, false],
                       "1-row kernels run as they are; sharpen and emboss are not outer products; a gradient pair runs in passes when both its matrices factor")
    }

    /// The interval that decides whether rows go back without the clamp (the comparisons above
    /// run both ways: sharpen and emboss need the clamp, and would wrap around without it).
    func testOutputRangeBoundsEachChain() throws {
        func range(_ specs: [String], _ border: BorderMode = .replicate) throws -> ClosedRange<Double> {
            PlaneStreamFilter(chain: try FilterChain(specs: specs, border: border)).outputRange
        }
        for specs in [["gaussian"], ["box:size=5"], ["gaussian:size=7,sigma=2"], ["[1 2 1]/4", "identity"]] {
            for border in BorderMode.allCases {
                let blur = try range(specs, border)
                XCTAssertEqual(blur.lowerBound, 0, accuracy: 1e-4, "\(specs) \(border)")
                XCTAssertEqual(blur.upperBound, 1, accuracy: 1e-4, "\(specs) \(border)")
            }
        }
        let sharpen = try range(["sharpen"])
        XCTAssertEqual(sharpen.lowerBound, -4, accuracy: 1e-4)
        XCTAssertEqual(sharpen.upperBound, 5, accuracy: 1e-4)
        let emboss = try range(["emboss:bias=0.5"])
        XCTAssertGreaterThan(emboss.upperBound, 1.4)
        let sobel = try range(["sobel"])
        XCTAssertEqual(sobel.lowerBound, 0, accuracy: 1e-4, "a magnitude is never negative")
        XCTAssertGreaterThan(sobel.upperBound, 1)
        let derivative = try range(["gaussian", "[1 0 -1]"])
        XCTAssertEqual(derivative.lowerBound, -1, accuracy: 1e-4, "a chain feeds each kernel the last one's range")
        XCTAssertEqual(derivative.upperBound, 1, accuracy: 1e-4)
        let shifted = try range(["box:bias=0.5"], .zero)
        XCTAssertEqual(shifted.lowerBound, 0.5, accuracy: 1e-4)
        XCTAssertEqual(shifted.upperBound, 1.5, accuracy: 1e-4)
        let twice = try range(["box:bias=0.5", "box:bias=-0.5"], .zero)
        XCTAssertEqual(twice.lowerBound, -0.5, accuracy: 1e-4, "zeros beyond the edge enter the second box's range")
        XCTAssertEqual(twice.upperBound, 1, accuracy: 1e-4)
    }

    func testEmptyChainLeavesThePlaneAsItIs() throws {
        let filter = PlaneStreamFilter(chain: FilterChain(kernels: [], border: .replicate))
        var samples: [UInt8] = [1, 2, 3, 4, 5, 6]
        samples.withUnsafeMutableBytes { filter.apply(to: $0.baseAddress!, width: 3, height: 2, stride: 3, bytesPerSample: 1, maxLevel: 255) }
        XCTAssertEqual(samples, [1, 2, 3, 4, 5, 6])
    }
}
