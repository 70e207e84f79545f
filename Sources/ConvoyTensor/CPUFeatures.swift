import CConvoyCPU

/// The instruction sets this processor has and the operating system saves the registers of, read
/// from CPUID and XGETBV at run time (never assumed at build time; all false off x86-64).
public struct CPUFeatures: Sendable, Equatable {
    public var avx2: Bool
    public var fma: Bool
    public var avx512f: Bool
    public var avx512bf16: Bool
    public var amxBF16: Bool

    public init(avx2: Bool, fma: Bool, avx512f: Bool, avx512bf16: Bool, amxBF16: Bool) {
        self.avx2 = avx2
        self.fma = fma
        self.avx512f = avx512f
        self.avx512bf16 = avx512bf16
        self.amxBF16 = amxBF16
    }

    /// This machine's features, detected once.
    public static let current: CPUFeatures = {
        let detected = convoy_cpu_detect()
        return CPUFeatures(avx2: detected.avx2 != 0, fma: detected.fma != 0, avx512f: detected.avx512f != 0,
                           avx512bf16: detected.avx512_bf16 != 0, amxBF16: detected.amx_bf16 != 0)
    }()
}
