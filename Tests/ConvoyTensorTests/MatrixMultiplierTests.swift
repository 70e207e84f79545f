import ConvoyTensor
import XCTest

final class MatrixMultiplierTests: XCTestCase {
    /// A hand-worked product checks the reference itself:
    /// [[1, 2, 3], [4, 5, 6]] · [[1, 0], [0, 1], [1, 1]] = [[4, 5], [10, 11]].
    func testReferenceOnHandExample() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [1, 0, 0, 1, 1, 1]
        var c: [Float] = [100, 200, 300, 400]
        ReferenceMatrixMultiplier().multiply(
            transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 2,
            a: a, lda: 3, b: b, ldb: 2, beta: 0.5, c: &c, ldc: 2
        )
        // 2 · product + 0.5 · previous C
        XCTAssertEqual(c, [58, 110, 170, 222])
    }

    /// With beta = 0, C is not read (BLAS semantics), so NaN there does not leak.
    func testBetaZeroIgnoresPriorContents() {
        let a: [Float] = [1, 2]
        let b: [Float] = [3, 4]
        for gemm in [ReferenceMatrixMultiplier() as MatrixMultiplier, OneDNNMatrixMultiplier()] {
            var c: [Float] = [.nan]
            gemm.multiply(transposeA: false, transposeB: false, m: 1, n: 1, k: 2, alpha: 1,
                          a: a, lda: 2, b: b, ldb: 1, beta: 0, c: &c, ldc: 1)
            XCTAssertEqual(c, [11], "\(type(of: gemm))")
        }
    }

    /// oneDNN against the reference for all four transpose combinations, with leading
    /// dimensions larger than the minimum and non-trivial alpha and beta. Entries of C outside
    /// the m × n window must be left alone.
    func testOneDNNMatchesReference() {
        var random = SeededGenerator(seed: 7)
        let sizes = [(m: 5, n: 7, k: 3), (m: 1, n: 33, k: 9), (m: 17, n: 4, k: 64), (m: 64, n: 70, k: 27)]
        for (m, n, k) in sizes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let aRows = transposeA ? k : m, aColumns = transposeA ? m : k
                    let bRows = transposeB ? n : k, bColumns = transposeB ? k : n
                    let lda = aColumns + 3, ldb = bColumns + 5, ldc = n + 2
                    let a = random.floats(aRows * lda)
                    let b = random.floats(bRows * ldb)
                    let c0 = random.floats(m * ldc)
                    var expected = c0
                    var actual = c0
                    ReferenceMatrixMultiplier().multiply(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5,
                        a: a, lda: lda, b: b, ldb: ldb, beta: -0.5, c: &expected, ldc: ldc
                    )
                    OneDNNMatrixMultiplier().multiply(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5,
                        a: a, lda: lda, b: b, ldb: ldb, beta: -0.5, c: &actual, ldc: ldc
                    )
                    let label = "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB)"
                    for row in 0..<m {
                        for column in 0..<ldc {
                            let index = row * ldc + column
                            if column < n {
                                XCTAssertEqual(actual[index], expected[index], accuracy: 1e-4 * Float(k), label)
                            } else {
                                XCTAssertEqual(actual[index], c0[index], "padding column touched, \(label)")
                            }
                        }
                    }
                    XCTAssertNotEqual(expected, c0, "the product must change C, \(label)")
                }
            }
        }
    }

    func testThreadCountIsSettableOnCallingThread() {
        let before = OneDNNMatrixMultiplier.threadCount
        XCTAssertGreaterThanOrEqual(before, 1)
        OneDNNMatrixMultiplier.setThreadCount(1)
        XCTAssertEqual(OneDNNMatrixMultiplier.threadCount, 1)
        OneDNNMatrixMultiplier.setThreadCount(before)
        XCTAssertEqual(OneDNNMatrixMultiplier.threadCount, before)
    }
}
