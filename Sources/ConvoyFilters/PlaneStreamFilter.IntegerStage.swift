import ConvoyTensor

extension PlaneStreamFilter {
    /// A 3×3 kernel with small whole-number taps, run on the samples' own levels in 16-bit
    /// integers: a linear kernel whose weights are whole numbers over a power of two (the binomial
    /// Gaussian, sharpen, the Laplacian, emboss, Sobel-x, …), or a gradient pair whose matrices are
    /// outer products (Sobel, Prewitt).
    ///
    /// A separable kernel widens each arriving row to `Int16` once and filters it across with
    /// whole taps into a ring of three rows per pass; an output row sums three ring rows with
    /// whole taps. Any other linear kernel keeps the last three widened rows and sums its nine
    /// taps over them. A linear kernel's sum then goes back to a level by a rounding shift (ties
    /// to even) and a clamp, all in 16-bit lanes; a gradient pair's two sums turn into Float32
    /// for `√((unitX · gx)² + (unitY · gy)²) + offset`, rounded to the nearest level (ties to
    /// even) and clamped as `SampleLevels.store` does. The sums are exact, so the result is the
    /// correctly rounded level of the exact correlation; the Float32 path rounds its sums on the
    /// way and may land on the other side of a tie.
    ///
    /// Eight 16-bit lanes fit where four Float32 lanes do, and the samples are never converted to
    /// 0…1. Kernels whose unit is not a power of two (the 3×3 box, a Gaussian with a chosen
    /// sigma) gained nothing this way (the conversion to Float32 at the end cost what the integer
    /// sums saved) and stay on the Float32 path, as do linear kernels with a bias. It serves a
    /// chain of one such kernel on samples whose sums fit in `Int16` (8-bit and 10-bit samples
    /// for every built-in 3×3 kernel it takes).
    final class IntegerStage {
        /// Whole taps across and down, one triple each per pass (the x matrix, then the y matrix).
        private let acrossTaps: [Taps]
        private let downTaps: [Taps]
        private var passes: Range<Int> { acrossTaps.indices }
        /// Rows kept in the ring: three per pass, or three source rows.
        private var ringRows: Int { 3 * max(1, acrossTaps.count) }
        typealias Taps = (Int16, Int16, Int16)
        /// What one unit of a pass's whole sum weighs in levels.
        private let units: [Float]
        /// The nine taps, row by row, of a linear kernel that is not separable; nil otherwise.
        private let fullTaps: [Int16]?
        /// For a linear kernel: the unit is 2^-shift (0 ≤ shift ≤ 14) and the bias is zero.
        private let shift: Int?
        private let bias: Float
        /// The largest magnitude a pass's across sum and its full sum can reach, per level of input.
        private let growth: (across: Int, total: Int)

        /// `kernelHeight` = 3 rows per pass, each with room for `width` sums, or for a full kernel
        /// the last 3 widened source rows with their border samples.
        private var ring: UnsafeMutablePointer<Int16>?
        /// The arriving row of a separable kernel, widened, with one sample of border on each side
        /// (nil for a full kernel, whose rows arrive in the ring).
        private var padded: UnsafeMutablePointer<Int16>?
        private var zeros: UnsafeMutablePointer<Int16>?
        private var rowLength = 0
        /// The ring rows of the output row being computed, three per pass. Allocated last in
        /// `init`: a kernel that has no integer form returns nil without running `deinit`, which
        /// leaked a window allocated up front for every such kernel on every batch (LeakSanitizer).
        private let window: UnsafeMutablePointer<UnsafePointer<Int16>>

        /// The integer form of `stage`, or nil when it has none: it must be 3×3 with taps that are
        /// whole multiples, at most 64, of their smallest nonzero tap (across and down for a
        /// separable kernel or pair, else the matrix's). A gradient pair must be separable; a
        /// linear kernel must have no bias and a unit of 1, 1/2, … 1/16384.
        init?(_ stage: Stage) {
            guard stage.kernelWidth == 3, stage.kernelHeight == 3 else { return nil }
            var passes: [(across: Taps, down: Taps)] = []
            var units: [Float] = []
            var across = 0, total = 0
            if stage.separable {
                for pass in stage.passes {
                    guard let (wholeAcross, unitAcross) = IntegerStage.whole(pass.across),
                          let (wholeDown, unitDown) = IntegerStage.whole(pass.down) else { return nil }
                    passes.append(((wholeAcross[0], wholeAcross[1], wholeAcross[2]), (wholeDown[0], wholeDown[1], wholeDown[2])))
                    units.append(unitAcross * unitDown)
                    let sumAcross = wholeAcross.reduce(0) { $0 + abs(Int($1)) }
                    across = max(across, sumAcross)
                    total = max(total, sumAcross * wholeDown.reduce(0) { $0 + abs(Int($1)) })
                }
                fullTaps = nil
            } else {
                guard stage.partner == nil, let (taps, unit) = IntegerStage.whole(stage.weights) else { return nil }
                fullTaps = taps
                units = [unit]
                total = taps.reduce(0) { $0 + abs(Int($1)) }
            }
            if units.count == 1 {
                let unit = units[0]
                guard stage.bias == 0, unit.significandBitPattern == 0, unit.exponent <= 0, unit.exponent >= -14 else {
                    return nil
                }
                shift = Int(-unit.exponent)
                // The rounding adds up to 2^(shift-1) to the sum.
                if shift! > 0 { total += 1 << (shift! - 1) }
            } else {
                shift = nil
            }
            acrossTaps = passes.map(\.across)
            downTaps = passes.map(\.down)
            self.units = units
            bias = stage.bias
            growth = (across, total)
            window = .allocate(capacity: 6)
        }

        deinit {
            ring?.deallocate()
            padded?.deallocate()
            zeros?.deallocate()
            window.deallocate()
        }

        /// `taps` as whole numbers times a unit (the smallest nonzero tap's size), when every tap
        /// is within 1e-5 of a whole multiple of it no larger than 64.
        static func whole(_ taps: [Float]) -> ([Int16], Float)? {
            guard let unit = taps.lazy.map(abs).filter({ $0 > 0 }).min() else { return nil }
            var result: [Int16] = []
            for tap in taps {
                let ratio = tap / unit
                let rounded = ratio.rounded()
                guard abs(ratio - rounded) <= 1e-5 * max(1, abs(rounded)), abs(rounded) <= 64 else { return nil }
                result.append(Int16(rounded))
            }
            return (result, unit)
        }

        /// Whether samples up to `maxLevel` keep every sum inside `Int16`.
        func fits(maxLevel: Int) -> Bool {
            growth.total * maxLevel <= Int(Int16.max) && growth.across * maxLevel <= Int(Int16.max)
        }

        /// Filters the plane in place; see `PlaneStreamFilter.apply(to:width:height:stride:bytesPerSample:maxLevel:)`.
        /// - Precondition: `fits(maxLevel:)`, and the plane is at least 3×3.
        func apply<Sample: FixedWidthInteger & UnsignedInteger>(to plane: UnsafeMutableRawPointer, as: Sample.Type,
                                                                width: Int, height: Int, stride: Int,
                                                                maxLevel: Int, border: BorderMode) {
            precondition(fits(maxLevel: maxLevel) && width >= 3 && height >= 3, "the integer path does not fit this plane")
            if width + 2 > rowLength {
                ring?.deallocate()
                padded?.deallocate()
                zeros?.deallocate()
                rowLength = width + 2
                ring = .allocate(capacity: rowLength * ringRows)
                // A full kernel widens straight into its ring; a separable one filters across from here.
                padded = fullTaps == nil ? .allocate(capacity: rowLength) : nil
                zeros = .allocate(capacity: rowLength)
                zeros!.initialize(repeating: 0, count: rowLength)
            }
            let ring = ring!, zeros = zeros!, padded = padded
            func ringRow(_ y: Int, pass: Int) -> UnsafeMutablePointer<Int16> {
                ring + (pass * 3 + y % 3) * rowLength
            }
            let top = Float(maxLevel)
            let left = border.sourceIndex(-1, count: width), right = border.sourceIndex(width, count: width)
            let window = window
            let kernels = IntegerStage.usesKernels
            // Output row y needs source rows y - 1 … y + 1: it is written once row y + 1 (or the
            // last row) has entered the ring, so the plane is overwritten only behind the reads.
            func emit(_ y: Int) {
                for pass in 0..<max(1, passes.count) {
                    for ky in 0..<3 {
                        window[pass * 3 + ky] = border.sourceIndex(y + ky - 1, count: height)
                            .map { UnsafePointer(ringRow($0, pass: pass)) } ?? UnsafePointer(zeros)
                    }
                }
                let destination = (plane + y * stride).assumingMemoryBound(to: Sample.self)
                if let fullTaps {
                    IntegerStage.shifted(window, taps: fullTaps, shift: shift!, top: Int16(maxLevel), into: destination, width: width)
                } else if let shift, kernels {
                    IntegerStage.shiftedKernel(window, down: downTaps[0], shift: shift, top: Int16(maxLevel),
                                               into: destination, width: width)
                } else if let shift {
                    IntegerStage.shifted(window, down: downTaps[0], shift: shift, top: Int16(maxLevel),
                                         into: destination, width: width)
                } else if kernels {
                    IntegerStage.magnitudeKernel(window, down: (downTaps[0], downTaps[1]), units: (units[0], units[1]),
                                                 offset: bias * top, top: top, into: destination, width: width)
                } else {
                    IntegerStage.magnitude(window, down: (downTaps[0], downTaps[1]), units: (units[0], units[1]),
                                           offset: bias * top, top: top, into: destination, width: width)
                }
            }
            for y in 0..<height {
                let source = UnsafePointer((plane + y * stride).assumingMemoryBound(to: Sample.self))
                let row = padded ?? ringRow(y, pass: 0)
                if kernels {
                    IntegerStage.widenKernel(source, into: row + 1, width: width)
                } else {
                    IntegerStage.widen(source, into: row + 1, width: width)
                }
                row[0] = left.map { row[1 + $0] } ?? 0
                row[width + 1] = right.map { row[1 + $0] } ?? 0
                for pass in passes {
                    if kernels {
                        IntegerStage.acrossKernel(row, taps: acrossTaps[pass], into: ringRow(y, pass: pass), width: width)
                    } else {
                        IntegerStage.across(row, taps: acrossTaps[pass], into: ringRow(y, pass: pass), width: width)
                    }
                }
                if y >= 1 { emit(y - 1) }
            }
            emit(height - 1)
        }

        // The loops below are plain loops over pointers, written so that the compiler vectorises
        // them (16-bit lanes for the sums); `&+` and `&*` cannot overflow since `fits` held.

        private static func widen<Sample: FixedWidthInteger & UnsignedInteger>(_ source: UnsafePointer<Sample>,
                                                                               into destination: UnsafeMutablePointer<Int16>,
                                                                               width: Int) {
            for x in 0..<width { destination[x] = Int16(truncatingIfNeeded: source[x]) }
        }

        /// destination[x] = Σ taps[c] · row[x + c] (`row` starts one sample before the first).
        private static func across(_ row: UnsafePointer<Int16>, taps: Taps, into destination: UnsafeMutablePointer<Int16>,
                                   width: Int) {
            let (t0, t1, t2) = taps
            for x in 0..<width {
                destination[x] = t0 &* row[x] &+ t1 &* row[x + 1] &+ t2 &* row[x + 2]
            }
        }

        /// The level of (the down taps' sum of three ring rows) / 2^shift, rounded to the nearest
        /// (ties to even: the sum's last kept bit decides) and clamped to 0…top.
        private static func shifted<Sample: FixedWidthInteger & UnsignedInteger>(
            _ rows: UnsafePointer<UnsafePointer<Int16>>, down: Taps, shift: Int, top: Int16,
            into destination: UnsafeMutablePointer<Sample>, width: Int
        ) {
            let (r0, r1, r2) = (rows[0], rows[1], rows[2])
            let (d0, d1, d2) = down
            let (bits, belowHalf, parity) = IntegerStage.rounding(shift)
            for x in 0..<width {
                let sum = d0 &* r0[x] &+ d1 &* r1[x] &+ d2 &* r2[x]
                let level = (sum &+ belowHalf &+ ((sum &>> bits) & parity)) &>> bits
                destination[x] = Sample(truncatingIfNeeded: min(max(level, 0), top))
            }
        }

        /// The level of (Σ taps[3·r + c] · rows[r][x + c]) / 2^shift, rounded and clamped as
        /// `shifted` does; each row starts one sample before the first.
        private static func shifted<Sample: FixedWidthInteger & UnsignedInteger>(
            _ rows: UnsafePointer<UnsafePointer<Int16>>, taps: [Int16], shift: Int, top: Int16,
            into destination: UnsafeMutablePointer<Sample>, width: Int
        ) {
            let (r0, r1, r2) = (rows[0], rows[1], rows[2])
            let (w0, w1, w2, w3, w4) = (taps[0], taps[1], taps[2], taps[3], taps[4])
            let (w5, w6, w7, w8) = (taps[5], taps[6], taps[7], taps[8])
            let (bits, belowHalf, parity) = IntegerStage.rounding(shift)
            for x in 0..<width {
                let top3 = w0 &* r0[x] &+ w1 &* r0[x + 1] &+ w2 &* r0[x + 2]
                let middle3 = w3 &* r1[x] &+ w4 &* r1[x + 1] &+ w5 &* r1[x + 2]
                let bottom3 = w6 &* r2[x] &+ w7 &* r2[x + 1] &+ w8 &* r2[x + 2]
                let sum = top3 &+ middle3 &+ bottom3
                let level = (sum &+ belowHalf &+ ((sum &>> bits) & parity)) &>> bits
                destination[x] = Sample(truncatingIfNeeded: min(max(level, 0), top))
            }
        }

        /// The constants of a rounding shift by `shift` bits, ties to even:
        /// `(sum + belowHalf + ((sum >> bits) & parity)) >> bits`; all but `bits` are 0 for a
        /// shift of 0, which leaves the sum as it is.
        @inline(__always)
        private static func rounding(_ shift: Int) -> (bits: Int16, belowHalf: Int16, parity: Int16) {
            shift == 0 ? (0, 0, 0) : (Int16(shift), Int16(1) << (shift - 1) - 1, 1)
        }

        /// The level of √((unitX · gx)² + (unitY · gy)²) + `offset`, where gx and gy are the down
        /// sums of the x pass's rows (`rows[0...2]`) and the y pass's (`rows[3...5]`).
        private static func magnitude<Sample: FixedWidthInteger & UnsignedInteger>(
            _ rows: UnsafePointer<UnsafePointer<Int16>>, down: (Taps, Taps), units: (Float, Float), offset: Float, top: Float,
            into destination: UnsafeMutablePointer<Sample>, width: Int
        ) {
            let (x0, x1, x2) = (rows[0], rows[1], rows[2])
            let (y0, y1, y2) = (rows[3], rows[4], rows[5])
            let (a0, a1, a2) = down.0
            let (b0, b1, b2) = down.1
            let (unitX, unitY) = units
            if unitX == unitY && offset >= 0 {
                // Sobel, Prewitt: one scale after the root, and no clamp below since the level
                // cannot be negative. (gx² + gy² in Int32 made the loop scalar: SSE2 has no
                // 32-bit multiply.)
                for x in 0..<width {
                    let gx = Float(a0 &* x0[x] &+ a1 &* x1[x] &+ a2 &* x2[x])
                    let gy = Float(b0 &* y0[x] &+ b1 &* y1[x] &+ b2 &* y2[x])
                    let level = (gx * gx + gy * gy).squareRoot() * unitX + offset
                    let clamped = level < top ? level : top
                    destination[x] = Sample(truncatingIfNeeded: SampleLevels.nearest(clamped))
                }
                return
            }
            for x in 0..<width {
                let gx = Float(a0 &* x0[x] &+ a1 &* x1[x] &+ a2 &* x2[x]) * unitX
                let gy = Float(b0 &* y0[x] &+ b1 &* y1[x] &+ b2 &* y2[x]) * unitY
                let level = (gx * gx + gy * gy).squareRoot() + offset
                let clamped = level > 0 ? (level < top ? level : top) : 0
                destination[x] = Sample(truncatingIfNeeded: SampleLevels.nearest(clamped))
            }
        }
    }
}
