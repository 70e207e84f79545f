/// A `MatrixMultiplier` written as three plain loops with `Double` accumulation.
///
/// Slow and obviously correct: the reference the oneDNN path is tested against, and a baseline
/// to measure it with.
public struct ReferenceMatrixMultiplier: MatrixMultiplier, Sendable {
    public init() {}

    /// Computes `C[m × n] = alpha · op(A)[m × k] · op(B)[k × n] + beta · C` on row-major
    /// matrices; see `MatrixMultiplier`.
    public func multiply(
        transposeA: Bool,
        transposeB: Bool,
        m: Int,
        n: Int,
        k: Int,
        alpha: Float,
        a: UnsafePointer<Float>,
        lda: Int,
        b: UnsafePointer<Float>,
        ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>,
        ldc: Int
    ) {
        checkArguments(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        for row in 0..<m {
            for column in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * lda + row] : a[row * lda + p]
                    let bValue = transposeB ? b[column * ldb + p] : b[p * ldb + column]
                    sum += Double(aValue) * Double(bValue)
                }
                let previous = beta == 0 ? 0 : Double(beta) * Double(c[row * ldc + column])
                c[row * ldc + column] = Float(Double(alpha) * sum + previous)
            }
        }
    }
}
