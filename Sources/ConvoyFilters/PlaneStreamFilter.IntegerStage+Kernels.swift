import CConvoyKernels
import ConvoyTensor

extension PlaneStreamFilter.IntegerStage {
    /// Whether the rows run through CConvoyKernels' AVX2 or AVX-512 loops: `convoy_isa()` names a
    /// level above the baseline (`KernelLevel`). At the baseline the Swift loops of `IntegerStage` run, as they
    /// always did; the kernels give their bits (`PlaneStreamFilterTests.testWholeNumberPathRoundsExactly` runs every level).
    static var usesKernels: Bool { KernelLevel.current != .baseline }

    /// `widen` in a kernel.
    static func widenKernel<Sample: FixedWidthInteger & UnsignedInteger>(_ source: UnsafePointer<Sample>,
                                                                         into destination: UnsafeMutablePointer<Int16>,
                                                                         width: Int) {
        if Sample.self == UInt8.self {
            convoy_widen_u8(UnsafeRawPointer(source).assumingMemoryBound(to: UInt8.self), destination, width)
        } else {
            convoy_widen_u16(UnsafeRawPointer(source).assumingMemoryBound(to: UInt16.self), destination, width)
        }
    }

    /// `across` in a kernel.
    static func acrossKernel(_ row: UnsafePointer<Int16>, taps: Taps, into destination: UnsafeMutablePointer<Int16>, width: Int) {
        convoy_across3(row, taps.0, taps.1, taps.2, destination, width)
    }

    /// `shifted(_:down:shift:top:into:width:)` in a kernel.
    static func shiftedKernel<Sample: FixedWidthInteger & UnsignedInteger>(
        _ rows: UnsafePointer<UnsafePointer<Int16>>, down: Taps, shift: Int, top: Int16,
        into destination: UnsafeMutablePointer<Sample>, width: Int
    ) {
        let raw = UnsafeMutableRawPointer(destination)
        if Sample.self == UInt8.self {
            convoy_down3_shift_u8(rows[0], rows[1], rows[2], down.0, down.1, down.2, Int32(shift), top,
                                  raw.assumingMemoryBound(to: UInt8.self), width)
        } else {
            convoy_down3_shift_u16(rows[0], rows[1], rows[2], down.0, down.1, down.2, Int32(shift), top,
                                   raw.assumingMemoryBound(to: UInt16.self), width)
        }
    }

    /// `magnitude` in a kernel.
    static func magnitudeKernel<Sample: FixedWidthInteger & UnsignedInteger>(
        _ rows: UnsafePointer<UnsafePointer<Int16>>, down: (Taps, Taps), units: (Float, Float), offset: Float, top: Float,
        into destination: UnsafeMutablePointer<Sample>, width: Int
    ) {
        var description = convoy_magnitude_rows(
            x0: rows[0], x1: rows[1], x2: rows[2], y0: rows[3], y1: rows[4], y2: rows[5],
            a0: down.0.0, a1: down.0.1, a2: down.0.2, b0: down.1.0, b1: down.1.1, b2: down.1.2,
            unit_x: units.0, unit_y: units.1, offset: offset, top: top,
            same_unit: units.0 == units.1 && offset >= 0 ? 1 : 0)
        let raw = UnsafeMutableRawPointer(destination)
        if Sample.self == UInt8.self {
            convoy_magnitude_u8(&description, raw.assumingMemoryBound(to: UInt8.self), width)
        } else {
            convoy_magnitude_u16(&description, raw.assumingMemoryBound(to: UInt16.self), width)
        }
    }
}
