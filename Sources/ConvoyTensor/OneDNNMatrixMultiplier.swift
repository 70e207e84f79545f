import CDNNL

/// A `MatrixMultiplier` backed by oneDNN's `dnnl_sgemm` (row-major, JIT-compiled for the CPU,
/// multi-threaded with OpenMP).
///
/// Threads: oneDNN here runs on GNU OpenMP, whose thread count is a per-thread setting. Call
/// `setThreadCount(_:)` on the same thread that will run the multiplications; a setting made on
/// another thread does not apply. Without a call, OpenMP uses `OMP_NUM_THREADS` or the number of
/// cores.
///
/// Busy machines: GNU OpenMP threads spin while they wait for work. When other processes (or the
/// codec's threads) compete for the cores, two GEMM threads were measured 20× slower than one on
/// the 2-core target; `OMP_WAIT_POLICY=passive` in the process environment removes the slowdown.
/// libgomp reads it when it loads, so it must be set before the process starts.
public struct OneDNNMatrixMultiplier: MatrixMultiplier, Sendable {
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
        if m == 0 || n == 0 {
            return
        }
        if k == 0 {
            // op(A)·op(B) is empty: C = beta · C, without asking oneDNN about empty operands.
            for row in 0..<m {
                let line = c + row * ldc
                if beta == 0 {
                    line.update(repeating: 0, count: n)
                } else {
                    for column in 0..<n {
                        line[column] *= beta
                    }
                }
            }
            return
        }
        let status = dnnl_sgemm(
            OneDNNMatrixMultiplier.flag(transposeA),
            OneDNNMatrixMultiplier.flag(transposeB),
            dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k),
            alpha,
            a, dnnl_dim_t(lda),
            b, dnnl_dim_t(ldb),
            beta,
            c, dnnl_dim_t(ldc)
        )
        // The arguments were checked above, so a failure here is a bug in Convoy.
        precondition(
            status == dnnl_success,
            "dnnl_sgemm failed with status \(status.rawValue) (m \(m), n \(n), k \(k), lda \(lda), ldb \(ldb), ldc \(ldc))"
        )
    }

    /// Sets the number of OpenMP threads oneDNN uses for GEMMs started from the calling thread.
    ///
    /// OpenMP keeps this setting per thread: call it on the thread that runs the convolutions.
    ///
    /// - Precondition: `count >= 1`.
    /// Workers of a parallel convolution each run single-threaded GEMMs: oneDNN's OpenMP team
    /// would otherwise start on every worker and spin between calls.
    public func prepareWorkerThread() {
        OneDNNMatrixMultiplier.setThreadCount(1)
    }

    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "Thread count must be at least 1, got \(count)")
        omp_set_num_threads(Int32(clamping: count))
    }

    /// The number of OpenMP threads a GEMM started from the calling thread would use.
    public static var threadCount: Int {
        Int(omp_get_max_threads())
    }

    private static func flag(_ transpose: Bool) -> CChar {
        CChar(bitPattern: transpose ? UInt8(ascii: "T") : UInt8(ascii: "N"))
    }
}
