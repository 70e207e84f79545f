/// The arithmetic a network's convolutions run in (`--precision`, `precision:` in pipeline and
/// model files).
///
/// - `fp32`: Float32 everywhere (the default; exact against the references).
/// - `bf16`: bfloat16 inputs and weights with Float32 accumulation, on CPUs with AVX512_BF16;
///   elsewhere a one-line notice and Float32 (`resolved(on:)`).
/// - `bf16Only`: as `bf16`, but refused on a CPU without the instructions.
public enum NetworkPrecision: String, Sendable, CaseIterable {
    case fp32
    case bf16
    case bf16Only = "bf16-only"

    /// What the convolutions run in on a CPU with `features`: `.bf16` when asked for and the CPU
    /// has AVX512_BF16, `.fp32` otherwise, with the notice to print once when bf16 was asked for
    /// and cannot be had.
    ///
    /// - Throws: `NetworkPrecisionError.bf16Unavailable` for `bf16Only` without AVX512_BF16.
    public func resolved(on features: CPUFeatures = .current) throws -> (precision: NetworkPrecision, notice: String?) {
        switch self {
        case .fp32:
            return (.fp32, nil)
        case .bf16:
            if features.avx512bf16 { return (.bf16, nil) }
            return (.fp32, "This CPU has no AVX512_BF16 instructions: running --precision bf16 in FP32.")
        case .bf16Only:
            guard features.avx512bf16 else { throw NetworkPrecisionError.bf16Unavailable }
            return (.bf16, nil)
        }
    }
}
