/// Conversions between `Float` (IEEE 754 binary32) and the two 16-bit formats safetensors files
/// use, given as their bit patterns:
///
/// - F16 (IEEE binary16): 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
/// - BF16 (bfloat16): the upper 16 bits of a binary32 — 1 sign, 8 exponent, 7 mantissa bits.
///
/// Widening to `Float` is exact for every pattern, including subnormals, ±0, ±infinity and NaN
/// (the NaN payload is kept). Narrowing rounds to nearest, ties to even, as hardware and PyTorch
/// do; values too large for F16 become ±infinity, and NaN stays NaN (made quiet).
public enum HalfPrecision {
    /// The `Float` an F16 bit pattern stands for (exact).
    public static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2⁻²⁴, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            // Infinity (mantissa 0) or NaN (payload kept in the top mantissa bits).
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
        }
    }

    /// The F16 bit pattern nearest to `value` (ties to even).
    public static func half(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            if mantissa == 0 {
                return sign | 0x7C00
            }
            // NaN: keep the top payload bits and set the quiet bit so it cannot become infinity.
            return sign | 0x7C00 | 0x0200 | UInt16(mantissa >> 13)
        }
        let unbiased = exponent - 127
        if unbiased > 15 {
            return sign | 0x7C00
        }
        if unbiased >= -14 {
            // Normal range: drop 13 mantissa bits, rounding; a carry may ripple into the exponent
            // (and up to infinity, 0x7C00), which is the correct rounded result.
            var result = UInt32(unbiased + 15) << 10 | (mantissa >> 13)
            let remainder = mantissa & 0x1FFF
            if remainder > 0x1000 || (remainder == 0x1000 && result & 1 == 1) {
                result += 1
            }
            return sign | UInt16(result)
        }
        // Subnormal or zero in F16. In units of 2⁻²⁴ the value is significand × 2^(unbiased + 1),
        // where significand has the implicit leading bit (binary32 subnormals are far too small).
        let shift = -(unbiased + 1)
        if exponent == 0 || shift > 24 {
            return sign
        }
        let significand = mantissa | 0x80_0000
        var result = significand >> UInt32(shift)
        let remainder = significand & ((1 << UInt32(shift)) - 1)
        let halfway = UInt32(1) << UInt32(shift - 1)
        if remainder > halfway || (remainder == halfway && result & 1 == 1) {
            result += 1
        }
        return sign | UInt16(result)
    }

    /// The `Float` a BF16 bit pattern stands for (exact: the pattern shifted into the top half).
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The BF16 bit pattern nearest to `value` (ties to even).
    public static func bfloat16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN {
            return UInt16(bits >> 16) | 0x0040
        }
        // Finite values and infinities: add just under half an ulp, plus one when the kept part
        // is odd, then truncate. Cannot overflow 32 bits (the largest finite pattern is 0xFF7FFFFF).
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits + rounding) >> 16)
    }
}
