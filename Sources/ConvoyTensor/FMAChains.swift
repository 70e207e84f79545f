import CConvoyCPU

/// Independent chains of fused multiply-adds (value = value × multiplier + addend), enough of them
/// to cover the FMA latency times the FMA pipes: what the machine's FP32 FMA peak is measured with.
public enum FMAChains: String, Sendable, CaseIterable {
    /// Baseline x86-64: one lane, `fmaf`.
    case scalar
    /// 256-bit FMA (AVX2 and FMA).
    case avx2 = "avx2-fma"
    /// 512-bit FMA (AVX512F).
    case avx512 = "avx512f"

    /// The widest kernel `features` can run.
    public static func widest(for features: CPUFeatures = .current) -> FMAChains {
        if features.avx512f { return .avx512 }
        if features.avx2 && features.fma { return .avx2 }
        return .scalar
    }

    /// Whether a processor with `features` can run this kernel.
    public func runs(on features: CPUFeatures = .current) -> Bool {
        switch self {
        case .scalar: true
        case .avx2: features.avx2 && features.fma
        case .avx512: features.avx512f
        }
    }

    private var code: Int32 {
        switch self {
        case .scalar: Int32(CONVOY_FMA_SCALAR)
        case .avx2: Int32(CONVOY_FMA_AVX2)
        case .avx512: Int32(CONVOY_FMA_AVX512)
        }
    }

    /// Values the kernel keeps in flight (chains × lanes).
    public var valueCount: Int { Int(convoy_fma_chain_values(code)) }

    /// FLOPs of `iterations` steps (2 per fused multiply-add).
    public func flops(iterations: Int) -> Double { 2 * Double(valueCount) * Double(iterations) }

    /// Runs `iterations` steps on `values` (`valueCount` of them) and returns their final values.
    public func run(iterations: Int, multiplier: Float, addend: Float, values: [Float]) -> [Float] {
        precondition(values.count == valueCount, "an FMA kernel needs exactly its valueCount values")
        precondition(runs(on: .current), "this processor cannot run the \(rawValue) FMA kernel")
        var result = values
        result.withUnsafeMutableBufferPointer { buffer in
            convoy_fma_chains(code, Int64(iterations), multiplier, addend, buffer.baseAddress!)
        }
        return result
    }
}
