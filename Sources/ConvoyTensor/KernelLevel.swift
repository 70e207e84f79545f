import CConvoyCPU
import Foundation

/// The instruction-set level Convoy's own SIMD loops (the C kernels of CConvoyKernels: the direct
/// filter's whole-number rows, the 4:2:0 ↔ RGB conversion) run at. The package is built for
/// baseline x86-64; the wider variants sit beside the baseline in the same binary and one is
/// chosen at run time: the widest CPUID and XGETBV allow, or a lower one named by the
/// environment variable `CONVOY_ISA` (`baseline`, `avx2`, `avx512`), for comparing variants.
public enum KernelLevel: Int32, CaseIterable, Sendable, Comparable {
    /// SSE2, what the package is compiled for.
    case baseline = 0
    /// AVX2 and FMA (256-bit lanes).
    case avx2 = 1
    /// AVX512F and AVX512BW (512-bit lanes).
    case avx512 = 2

    /// The name `CONVOY_ISA` takes.
    public var name: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    public static func < (a: KernelLevel, b: KernelLevel) -> Bool { a.rawValue < b.rawValue }

    /// The widest level this processor runs.
    public static var supported: KernelLevel { KernelLevel(rawValue: convoy_isa_supported()) ?? .baseline }

    /// The level in use.
    public static var current: KernelLevel { KernelLevel(rawValue: convoy_isa()) ?? .baseline }

    /// Makes `level` (or the supported one, when this processor lacks it) the level in use and
    /// returns the one before.
    @discardableResult
    public static func use(_ level: KernelLevel) -> KernelLevel {
        KernelLevel(rawValue: convoy_isa_set(level.rawValue)) ?? .baseline
    }

    /// `CONVOY_ISA`'s value when it names no level (a mistake to report), else nil.
    public static var unrecognisedRequest: String? {
        convoy_isa_requested() == -2 ? ProcessInfo.processInfo.environment["CONVOY_ISA"] : nil
    }
}
