/// The element types a safetensors header may name (`"dtype"`), with their sizes.
///
/// Convoy computes in `Float` (F32). Reading converts every floating-point type to F32 — exactly
/// for F16 and BF16, rounding to nearest for F64 — and the integer types and BOOL to the nearest
/// `Float` (PyTorch state dicts hold an I64 `num_batches_tracked` beside each batch norm). The
/// 8-bit float types are known, so their tensors can be skipped, but cannot be converted.
/// Writing supports F32, F16, BF16 and F64.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e4m3 = "F8_E4M3"
    case f8e5m2 = "F8_E5M2"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Whether `SafeTensorsFile.tensor(named:)` can convert elements of this type to `Float`.
    public var isConvertibleToFloat: Bool {
        self != .f8e4m3 && self != .f8e5m2
    }

    /// Whether `SafeTensorsFile.write` can store elements of this type.
    public var isWritable: Bool {
        self == .f32 || self == .f16 || self == .bf16 || self == .f64
    }
}
