/// Single-precision general matrix multiply on row-major matrices (SGEMM):
///
///     C[m × n] = alpha · op(A)[m × k] · op(B)[k × n] + beta · C[m × n]
///
/// All three matrices are row-major: element `(r, c)` of a matrix with leading dimension `ld` is
/// at `pointer[r * ld + c]`.
///
/// - `A`: when `transposeA` is false, stored as `m × k` (`lda >= k`); when true, stored as
///   `k × m` (`lda >= m`) and used transposed.
/// - `B`: when `transposeB` is false, stored as `k × n` (`ldb >= n`); when true, stored as
///   `n × k` (`ldb >= k`) and used transposed.
/// - `C`: stored as `m × n` (`ldc >= n`); read only when `beta != 0` (as in BLAS).
///
/// Implementations must not retain the pointers beyond the call. Arguments that break these
/// rules are programmer errors and stop the program.
public protocol MatrixMultiplier {
    /// Readies the calling thread to run GEMMs as one worker of a parallel convolution.
    func prepareWorkerThread()

    /// Computes `C = alpha · op(A) · op(B) + beta · C`; see the protocol documentation.
    func multiply(
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
    )
}

extension MatrixMultiplier {
    /// Called once on each worker thread before it runs GEMMs of its own share of a parallel
    /// convolution; a library with its own thread pool limits itself to the calling thread here.
    public func prepareWorkerThread() {}

    /// Stops the program when GEMM arguments are inconsistent (shared by the conforming types).
    func checkArguments(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM sizes must be non-negative, got m \(m), n \(n), k \(k)")
        let aColumns = transposeA ? m : k
        let bColumns = transposeB ? k : n
        precondition(lda >= max(1, aColumns), "GEMM lda \(lda) is smaller than the \(aColumns) columns of A as stored")
        precondition(ldb >= max(1, bColumns), "GEMM ldb \(ldb) is smaller than the \(bColumns) columns of B as stored")
        precondition(ldc >= max(1, n), "GEMM ldc \(ldc) is smaller than the \(n) columns of C")
    }
}
