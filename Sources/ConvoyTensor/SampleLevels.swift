import CConvoyKernels

/// Conversions between integer sample levels (8 or 16 bits) and Float32 in 0…1, the scale the
/// batch tensors and the direct filter work in. Written so the compiler vectorises both loops;
/// above the baseline `KernelLevel`, 8-bit and 16-bit samples go through CConvoyKernels' AVX2 or
/// AVX-512 loops instead, which give the same bits.
public enum SampleLevels {
    /// destination[x] = Float(source[x]) · scale, for `count` samples (scale = 1 / maxLevel).
    @inlinable
    public static func load<Sample: BinaryInteger>(_ source: UnsafePointer<Sample>, into destination: UnsafeMutablePointer<Float>,
                                                   count: Int, scale: Float) {
        if KernelLevel.current != .baseline, loadInKernel(source, into: destination, count: count, scale: scale) { return }
        for x in 0..<count { destination[x] = Float(source[x]) * scale }
    }

    /// destination[x] = source[x] · top, clamped to 0…top (NaN lands on 0) and rounded to the
    /// nearest level, ties to even (as numpy's `rint`), by `nearest`: where `UInt8(_:)` of a Float
    /// checks each sample, that conversion vectorises.
    @inlinable
    public static func store<Sample: FixedWidthInteger & UnsignedInteger>(_ source: UnsafePointer<Float>,
                                                                         into destination: UnsafeMutablePointer<Sample>,
                                                                         count: Int, top: Float) {
        precondition(top < 4_194_304, "levels must stay below 2^22")
        if KernelLevel.current != .baseline, storeInKernel(source, into: destination, count: count, top: top, clamp: true) { return }
        for x in 0..<count {
            let level = source[x] * top
            destination[x] = Sample(truncatingIfNeeded: nearest(level > 0 ? (level < top ? level : top) : 0))
        }
    }

    /// `store` without the clamp, for values the caller has proved lie in
    /// (-0.5 / top, 1 + 0.5 / top): those round to a level in 0…top, and this loop does a third
    /// less work per sample. A value outside wraps around.
    @inlinable
    public static func storeInRange<Sample: FixedWidthInteger & UnsignedInteger>(_ source: UnsafePointer<Float>,
                                                                               into destination: UnsafeMutablePointer<Sample>,
                                                                               count: Int, top: Float) {
        precondition(top < 4_194_304, "levels must stay below 2^22")
        if KernelLevel.current != .baseline, storeInKernel(source, into: destination, count: count, top: top, clamp: false) { return }
        for x in 0..<count {
            destination[x] = Sample(truncatingIfNeeded: nearest(source[x] * top))
        }
    }

    /// The whole number nearest `level` (ties to even), for `level` in -0.5 ..< 2²²: adding
    /// 1.5·2²³ leaves it in the low bits of the sum, a conversion the compiler vectorises. The
    /// rounding of `store`, `storeInRange` and the direct filter's integer path.
    @inlinable @inline(__always)
    public static func nearest(_ level: Float) -> UInt32 {
        let magic: Float = 12_582_912
        return (level + magic).bitPattern &- magic.bitPattern
    }

    /// `load` in a kernel for `UInt8` and `UInt16` samples; false (nothing done) for other types.
    @usableFromInline
    static func loadInKernel<Sample: BinaryInteger>(_ source: UnsafePointer<Sample>, into destination: UnsafeMutablePointer<Float>,
                                                    count: Int, scale: Float) -> Bool {
        let raw = UnsafeRawPointer(source)
        if Sample.self == UInt8.self {
            convoy_levels_load_u8(raw.assumingMemoryBound(to: UInt8.self), destination, count, scale)
        } else if Sample.self == UInt16.self {
            convoy_levels_load_u16(raw.assumingMemoryBound(to: UInt16.self), destination, count, scale)
        } else {
            return false
        }
        return true
    }

    /// `store` (`clamp`) or `storeInRange` in a kernel for `UInt8` and `UInt16` samples; false
    /// (nothing done) for other types.
    @usableFromInline
    static func storeInKernel<Sample: FixedWidthInteger & UnsignedInteger>(_ source: UnsafePointer<Float>,
                                                                          into destination: UnsafeMutablePointer<Sample>,
                                                                          count: Int, top: Float, clamp: Bool) -> Bool {
        let raw = UnsafeMutableRawPointer(destination)
        if Sample.self == UInt8.self {
            convoy_levels_store_u8(source, raw.assumingMemoryBound(to: UInt8.self), count, top, clamp ? 1 : 0)
        } else if Sample.self == UInt16.self {
            convoy_levels_store_u16(source, raw.assumingMemoryBound(to: UInt16.self), count, top, clamp ? 1 : 0)
        } else {
            return false
        }
        return true
    }
}
