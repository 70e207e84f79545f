import ConvoyFilters
import XCTest

final class KernelTests: XCTestCase {
    func testDefaultDivisorIsTheSumOfTheEntries() throws {
        let kernel = try Kernel(name: "t", matrix: [[1, 2, 1]])
        XCTAssertEqual(kernel.divisor, 4)
        XCTAssertEqual(kernel.weights, [[0.25, 0.5, 0.25]])
    }

    func testDefaultDivisorIsOneWhenTheEntriesSumToZero() throws {
        let kernel = try Kernel(name: "t", matrix: [[-1, 0, 1]])
        XCTAssertEqual(kernel.divisor, 1)
        // 0.1 + 0.2 - 0.3 is not exactly 0 in Float; it still counts as a zero sum.
        let nearlyZero = try Kernel(name: "t", matrix: [[0.1, 0.2, -0.3]])
        XCTAssertEqual(nearlyZero.divisor, 1)
        XCTAssertEqual(Kernel.defaultDivisor(for: [[0]]), 1)
    }

    func testWeightsApplyDivisorAndScale() throws {
        let kernel = try Kernel(name: "t", matrix: [[1, 2, 3]], divisor: 2, scale: 3, bias: 0.5)
        XCTAssertEqual(kernel.weights, [[1.5, 3, 4.5]])
        XCTAssertEqual(kernel.weightSum, 9)
        XCTAssertEqual(kernel.bias, 0.5)
        XCTAssertNil(kernel.partnerWeights)
    }

    func testNonSquareKernelsKeepTheirShape() throws {
        let kernel = try Kernel(name: "t", matrix: [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]])
        XCTAssertEqual(kernel.height, 5)
        XCTAssertEqual(kernel.width, 3)
    }

    func testGradientMagnitudeScalesBothMatrices() throws {
        let kernel = try Kernel(
            name: "t", matrix: [[-1, 0, 1]], divisor: 2, scale: 4, kind: .gradientMagnitude(partner: [[1, 1, 1]])
        )
        XCTAssertEqual(kernel.weights, [[-2, 0, 2]])
        XCTAssertEqual(kernel.partnerWeights, [[2, 2, 2]])
    }

    func testInvalidKernelsThrowNamingTheKernel() {
        func assertThrows(_ expected: KernelSpecError, _ make: () throws -> Kernel, line: UInt = #line) {
            XCTAssertThrowsError(try make(), line: line) { error in
                XCTAssertEqual(error as? KernelSpecError, expected, line: line)
            }
        }
        assertThrows(.malformedMatrix(spec: "k", reason: "it has no entries")) { try Kernel(name: "k", matrix: []) }
        assertThrows(.malformedMatrix(spec: "k", reason: "it has no entries")) { try Kernel(name: "k", matrix: [[]]) }
        assertThrows(.malformedMatrix(spec: "k", reason: "row 2 has 1 entry but row 1 has 3")) {
            try Kernel(name: "k", matrix: [[1, 2, 3], [1], [1, 2, 3]])
        }
        assertThrows(.evenSizedMatrix(spec: "k", rows: 1, columns: 2)) { try Kernel(name: "k", matrix: [[1, 2]]) }
        assertThrows(.evenSizedMatrix(spec: "k", rows: 2, columns: 1)) { try Kernel(name: "k", matrix: [[1], [2]]) }
        assertThrows(.tooLarge(spec: "k", rows: 1, columns: 33)) {
            try Kernel(name: "k", matrix: [Array(repeating: 1, count: 33)])
        }
        assertThrows(.zeroDivisor(spec: "k")) { try Kernel(name: "k", matrix: [[1]], divisor: 0) }
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[.nan]]))
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[1]], divisor: .infinity))
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[1]], scale: .nan))
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[1]], bias: -.infinity))
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[3e38]], divisor: 1e-10))
        XCTAssertThrowsError(try Kernel(name: "k", matrix: [[1, 1, 1]], kind: .gradientMagnitude(partner: [[1]])))
    }
}
