import ConvoyFilters
import Foundation
import XCTest

final class BuiltInKernelTests: XCTestCase {
    private func sum(_ weights: [[Float]]) -> Double {
        weights.joined().reduce(0) { $0 + Double($1) }
    }

    func testBlurKernelsSumToOne() throws {
        var blurs = [BuiltInKernel.identity.defaultKernel, BuiltInKernel.box.defaultKernel, BuiltInKernel.gaussian.defaultKernel]
        for size in stride(from: 1, through: 31, by: 2) {
            blurs.append(try BuiltInKernel.box.kernel(parameters: ["size": "\(size)"]))
            blurs.append(try BuiltInKernel.gaussian.kernel(parameters: ["size": "\(size)"]))
        }
        for sigma in ["0.3", "0.5", "1", "1.5", "2.5", "5"] {
            blurs.append(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": sigma]))
            blurs.append(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": sigma, "size": "7"]))
        }
        for kernel in blurs {
            XCTAssertEqual(sum(kernel.weights), 1, accuracy: 1e-6, "\(kernel.name) \(kernel.height)×\(kernel.width)")
            XCTAssertTrue(kernel.weights.joined().allSatisfy { $0 >= 0 }, kernel.name)
        }
    }

    func testDerivativeKernelsSumToZero() {
        for builtIn in [BuiltInKernel.sobelX, .sobelY, .prewittX, .prewittY, .laplacian] {
            XCTAssertEqual(sum(builtIn.defaultKernel.weights), 0, builtIn.name)
        }
        for builtIn in [BuiltInKernel.sobel, .prewitt] {
            let kernel = builtIn.defaultKernel
            XCTAssertEqual(sum(kernel.weights), 0, builtIn.name)
            XCTAssertEqual(sum(kernel.partnerWeights ?? [[1]]), 0, builtIn.name)
        }
    }

    func testSharpenAndEmbossSumToOne() {
        XCTAssertEqual(sum(BuiltInKernel.sharpen.defaultKernel.weights), 1)
        XCTAssertEqual(sum(BuiltInKernel.emboss.defaultKernel.weights), 1)
    }

    func testMatricesMatchTheirNames() {
        XCTAssertEqual(BuiltInKernel.identity.defaultKernel.weights, [[1]])
        XCTAssertEqual(BuiltInKernel.sharpen.defaultKernel.weights, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
        XCTAssertEqual(BuiltInKernel.emboss.defaultKernel.weights, [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
        XCTAssertEqual(BuiltInKernel.laplacian.defaultKernel.weights, [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
        XCTAssertEqual(BuiltInKernel.sobelX.defaultKernel.weights, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
        XCTAssertEqual(BuiltInKernel.sobelY.defaultKernel.weights, [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
        XCTAssertEqual(BuiltInKernel.prewittX.defaultKernel.weights, [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
        XCTAssertEqual(BuiltInKernel.prewittY.defaultKernel.weights, [[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
        XCTAssertEqual(BuiltInKernel.sobel.defaultKernel.kind, .gradientMagnitude(partner: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))
        XCTAssertEqual(BuiltInKernel.sobel.defaultKernel.matrix, BuiltInKernel.sobelX.defaultKernel.matrix)
        XCTAssertEqual(BuiltInKernel.prewitt.defaultKernel.kind, .gradientMagnitude(partner: [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]))
        let box = BuiltInKernel.box.defaultKernel
        XCTAssertEqual(box.weights, Array(repeating: Array(repeating: Float(1) / 9, count: 3), count: 3))
    }

    func testBinomialGaussiansAreExact() throws {
        XCTAssertEqual(
            BuiltInKernel.gaussian.defaultKernel.weights,
            [[1, 2, 1], [2, 4, 2], [1, 2, 1]].map { $0.map { Float($0) / 16 } }
        )
        let row: [Float] = [1, 4, 6, 4, 1]
        let five = try BuiltInKernel.gaussian.kernel(parameters: ["size": "5"])
        XCTAssertEqual(five.weights, row.map { a in row.map { b in a * b / 256 } })
        XCTAssertEqual(try BuiltInKernel.gaussian.kernel(parameters: ["size": "1"]).weights, [[1]])
    }

    func testSampledGaussianFollowsTheFormula() throws {
        let kernel = try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "1.5"])
        // 2·ceil(3·1.5)+1 = 11.
        XCTAssertEqual(kernel.height, 11)
        XCTAssertEqual(kernel.width, 11)
        var expected: [[Double]] = []
        for y in -5...5 {
            expected.append((-5...5).map { x in exp(-Double(x * x + y * y) / (2 * 1.5 * 1.5)) })
        }
        let total = expected.joined().reduce(0, +)
        for (row, expectedRow) in zip(kernel.weights, expected) {
            for (weight, value) in zip(row, expectedRow) {
                XCTAssertEqual(Double(weight), value / total, accuracy: 1e-7)
            }
        }
        XCTAssertEqual(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "1"]).height, 7)
        XCTAssertEqual(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "0.2"]).height, 3)
        XCTAssertEqual(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "5"]).height, 31)
        XCTAssertEqual(try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "2", "size": "5"]).height, 5)
    }

    func testScaleAndBiasApplyToEveryKernel() throws {
        for builtIn in BuiltInKernel.allCases {
            let plain = builtIn.defaultKernel
            let kernel = try builtIn.kernel(parameters: ["scale": "2", "bias": "0.25"])
            XCTAssertEqual(kernel.bias, 0.25, builtIn.name)
            XCTAssertEqual(kernel.weights, plain.weights.map { $0.map { $0 * 2 } }, builtIn.name)
            XCTAssertEqual(kernel.partnerWeights, plain.partnerWeights.map { $0.map { $0.map { $0 * 2 } } }, builtIn.name)
        }
    }

    func testCatalogDescribesEveryKernel() {
        XCTAssertEqual(
            BuiltInKernel.allCases.map(\.name),
            ["identity", "box", "gaussian", "sharpen", "emboss", "laplacian", "sobel", "sobel-x", "sobel-y",
             "prewitt", "prewitt-x", "prewitt-y"]
        )
        for builtIn in BuiltInKernel.allCases {
            XCTAssertTrue(builtIn.summary.hasSuffix("."), builtIn.name)
            XCTAssertTrue(builtIn.summary.first?.isUppercase ?? false, builtIn.name)
            XCTAssertFalse(builtIn.summary.contains("\n"), builtIn.name)
            XCTAssertEqual(builtIn.parameters.suffix(2).map(\.name), ["scale", "bias"], builtIn.name)
            XCTAssertEqual(builtIn.defaultKernel.name, builtIn.name)
            for parameter in builtIn.parameters {
                XCTAssertTrue(parameter.summary.hasSuffix("."), parameter.name)
            }
        }
    }
}
