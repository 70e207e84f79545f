/// Why a requested `NetworkPrecision` cannot run on this machine.
public enum NetworkPrecisionError: Error, Equatable, CustomStringConvertible {
    /// `bf16-only` on a CPU without AVX512_BF16.
    case bf16Unavailable

    public var description: String {
        switch self {
        case .bf16Unavailable:
            return "--precision bf16-only needs a CPU with AVX512_BF16 instructions, and this one has none"
        }
    }
}
