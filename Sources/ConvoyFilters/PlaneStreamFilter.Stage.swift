import CConvoyKernels
import ConvoyTensor

extension PlaneStreamFilter {
    /// One kernel of the chain: its weights and the ring of input rows its window needs.
    ///
    /// Rows arrive in `slot(for:)` with `radiusX` samples of room on each side, which
    /// `finishRow(_:width:border:)` fills as the border mode says, so the taps of every output
    /// column read in bounds with no test per tap.
    ///
    /// A kernel whose matrix is an outer product (`down · acrossᵀ`: the binomial Gaussian, box,
    /// Sobel-x and -y, …) runs separably: each arriving row is filtered across with `across` as it
    /// enters the ring, and an output row is the `down`-weighted sum of the ring's rows, `height +
    /// width` multiply-adds per sample instead of `height · width`. A gradient pair whose two
    /// matrices both factor (Sobel, Prewitt) keeps one ring per matrix. Zero, replicate and reflect
    /// borders read whole rows, so the two passes give the 2-D correlation's sums.
    final class Stage {
        let radiusX: Int
        let radiusY: Int
        let kernelWidth: Int
        let kernelHeight: Int
        /// Weights row by row (`kernelHeight × kernelWidth`); the x weights of a gradient pair.
        let weights: [Float]
        /// The y weights of a gradient-magnitude kernel.
        let partner: [Float]?
        let bias: Float
        /// For a separable kernel, the factors of `weights` (and then of `partner`), whose outer
        /// products are the matrices; empty when the kernel runs as a 2-D correlation.
        let passes: [(across: [Float], down: [Float])]

        /// `kernelHeight` rows per ring, one ring per pass (one ring of raw rows for a 2-D kernel).
        private var ring: UnsafeMutablePointer<Float>?
        /// Where rows arrive before the passes across, for a separable kernel.
        private var arrival: UnsafeMutablePointer<Float>?
        /// A row of zeros: the window row beyond the top or bottom edge with the zero border.
        private var zeros: UnsafeMutablePointer<Float>?
        private var rowLength = 0
        /// The output row (and, for a gradient pair, the y responses) before the next stage.
        private(set) var output = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var partnerOutput = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        /// Row starts of the current output row's window, `kernelHeight` per ring.
        private let window: UnsafeMutablePointer<UnsafePointer<Float>>

        init(kernel: Kernel) {
            kernelWidth = kernel.width
            kernelHeight = kernel.height
            radiusX = kernel.width / 2
            radiusY = kernel.height / 2
            weights = Array(kernel.weights.joined())
            partner = kernel.partnerWeights.map { Array($0.joined()) }
            bias = kernel.bias
            var passes: [(across: [Float], down: [Float])] = []
            if kernel.width > 1 && kernel.height > 1 {
                let factors = ([weights] + (partner.map { [$0] } ?? [])).map {
                    Stage.factor($0, width: kernel.width, height: kernel.height)
                }
                if factors.allSatisfy({ $0 != nil }) { passes = factors.map { $0! } }
            }
            self.passes = passes
            window = .allocate(capacity: kernel.height * max(1, passes.count))
        }

        deinit {
            ring?.deallocate()
            arrival?.deallocate()
            zeros?.deallocate()
            output.deallocate()
            partnerOutput.deallocate()
            window.deallocate()
        }

        /// Whether the kernel runs as passes across and down.
        var separable: Bool { !passes.isEmpty }

        /// `weights` as `down · acrossᵀ` when it is one (every entry within 1e-6 of the largest's
        /// size), else nil.
        static func factor(_ weights: [Float], width: Int, height: Int) -> (across: [Float], down: [Float])? {
            guard let pivot = weights.indices.max(by: { abs(weights[$0]) < abs(weights[$1]) }), weights[pivot] != 0 else {
                return nil
            }
            let pivotRow = pivot / width, pivotColumn = pivot % width
            let across = Array(weights[(pivotRow * width)..<((pivotRow + 1) * width)])
            let down = (0..<height).map { weights[$0 * width + pivotColumn] / weights[pivot] }
            let tolerance = 1e-6 * abs(weights[pivot])
            for y in 0..<height {
                for x in 0..<width where abs(down[y] * across[x] - weights[y * width + x]) > tolerance {
                    return nil
                }
            }
            return (across, down)
        }

        /// The values this kernel can produce from inputs in `input` (and from 0, read beyond the
        /// edges, when `zeroBorder`), widened by 1e-6 of its weights' total size.
        func range(of input: ClosedRange<Double>, zeroBorder: Bool) -> ClosedRange<Double> {
            let low = zeroBorder ? min(input.lowerBound, 0) : input.lowerBound
            let high = zeroBorder ? max(input.upperBound, 0) : input.upperBound
            let margin = 1e-6 * (weights + (partner ?? [])).reduce(1.0) { $0 + abs(Double($1)) }
            if let partner {
                // √(gx² + gy²) ≥ 0, and each response is at most Σ|w| times the largest input.
                let largest = max(abs(low), abs(high))
                let x = weights.reduce(0.0) { $0 + abs(Double($1)) } * largest
                let y = partner.reduce(0.0) { $0 + abs(Double($1)) } * largest
                return Double(bias) - margin...Double(bias) + (x * x + y * y).squareRoot() + margin
            }
            var lower = Double(bias), upper = Double(bias)
            for weight in weights.map(Double.init) {
                lower += weight > 0 ? weight * low : weight * high
                upper += weight > 0 ? weight * high : weight * low
            }
            return lower - margin...upper + margin
        }

        /// Makes room for rows of `width` samples.
        func allocate(width: Int) {
            ring?.deallocate()
            arrival?.deallocate()
            zeros?.deallocate()
            rowLength = width + 2 * radiusX + 16
            ring = .allocate(capacity: rowLength * kernelHeight * max(1, passes.count))
            arrival = separable ? .allocate(capacity: rowLength) : nil
            zeros = .allocate(capacity: rowLength)
            zeros!.initialize(repeating: 0, count: rowLength)
            output.deallocate()
            partnerOutput.deallocate()
            output = .allocate(capacity: width + 16)
            partnerOutput = .allocate(capacity: width + 16)
        }

        /// The row of ring `pass` that holds input row `y` (or, separably, its pass across).
        private func ringRow(_ y: Int, pass: Int = 0) -> UnsafeMutablePointer<Float> {
            ring! + ((pass * kernelHeight) + y % kernelHeight) * rowLength + radiusX
        }

        /// Where input row `y` goes: the first of its `width` samples (the padding lies around it).
        func slot(for y: Int) -> UnsafeMutablePointer<Float> {
            separable ? arrival! + radiusX : ringRow(y)
        }

        /// Fills the side padding of input row `y`, once its samples are in place (and, for a
        /// separable kernel, filters it across into the rings).
        func finishRow(_ y: Int, width: Int, border: BorderMode) {
            let row = slot(for: y)
            if radiusX > 0 {
                for offset in 1...radiusX {
                    row[-offset] = border.sourceIndex(-offset, count: width).map { row[$0] } ?? 0
                    row[width - 1 + offset] = border.sourceIndex(width - 1 + offset, count: width).map { row[$0] } ?? 0
                }
            }
            for (index, pass) in passes.enumerated() {
                Stage.correlateAcross(pass.across, row: row - radiusX, into: ringRow(y, pass: index), width: width)
            }
        }

        /// Computes output row `y` of a `height`-row plane into `destination` (`width` samples).
        func compute(row y: Int, height: Int, width: Int, border: BorderMode, into destination: UnsafeMutablePointer<Float>) {
            let start = separable ? 0 : radiusX
            for pass in 0..<max(1, passes.count) {
                for ky in 0..<kernelHeight {
                    window[pass * kernelHeight + ky] = border.sourceIndex(y + ky - radiusY, count: height)
                        .map { UnsafePointer(ringRow($0, pass: pass) - start) } ?? UnsafePointer(zeros!)
                }
            }
            switch passes.count {
            case 1:
                Stage.correlateDown(passes[0].down, window: window, bias: bias, into: destination, width: width)
            case 2:
                Stage.correlateDown(passes[0].down, window: window, bias: 0, into: destination, width: width)
                Stage.correlateDown(passes[1].down, window: window + kernelHeight, bias: 0, into: partnerOutput, width: width)
                Stage.magnitude(destination, partnerOutput, bias: bias, width: width)
            default:
                if let partner {
                    Stage.correlate(weights, rows: kernelHeight, columns: kernelWidth, window: window, bias: 0,
                                    into: destination, width: width)
                    Stage.correlate(partner, rows: kernelHeight, columns: kernelWidth, window: window, bias: 0,
                                    into: partnerOutput, width: width)
                    Stage.magnitude(destination, partnerOutput, bias: bias, width: width)
                } else {
                    Stage.correlate(weights, rows: kernelHeight, columns: kernelWidth, window: window, bias: bias,
                                    into: destination, width: width)
                }
            }
        }

        // The loops below multiply then add: `addProduct` becomes a call to fmaf per lane when the
        // target has no FMA instruction (x86-64 baseline). Above the baseline `KernelLevel` each runs
        // as CConvoyKernels' float_rows.c instead, which adds in the same order (same bits). Each handles 16 columns per step in
        // registers and the last few one at a time; the common 3-tap sizes are written out so the
        // compiler keeps the taps in registers.

        /// The window's row pointers as the C kernels take them.
        @inline(__always)
        private static func rows(_ window: UnsafePointer<UnsafePointer<Float>>) -> UnsafePointer<UnsafePointer<Float>?> {
            UnsafeRawPointer(window).assumingMemoryBound(to: UnsafePointer<Float>?.self)
        }

        /// gx[x] = √(gx[x]² + gy[x]²) + bias.
        private static func magnitude(_ gx: UnsafeMutablePointer<Float>, _ gy: UnsafePointer<Float>, bias: Float, width: Int) {
            if IntegerStage.usesKernels { return convoy_gradient_magnitude(gx, gy, bias, width) }
            for x in 0..<width {
                gx[x] = (gx[x] * gx[x] + gy[x] * gy[x]).squareRoot() + bias
            }
        }

        @inline(__always)
        private static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
        }

        @inline(__always)
        private static func store16(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
        }

        /// destination[x] = Σ taps[c] · row[x + c] (the pass across; `row` starts `radiusX` before
        /// the first sample).
        private static func correlateAcross(_ taps: [Float], row: UnsafePointer<Float>,
                                            into destination: UnsafeMutablePointer<Float>, width: Int) {
            if IntegerStage.usesKernels {
                return taps.withUnsafeBufferPointer { convoy_correlate_across($0.baseAddress!, Int32($0.count), row, destination, width) }
            }
            var x = 0
            if taps.count == 3 {
                let (w0, w1, w2) = (taps[0], taps[1], taps[2])
                while x + 16 <= width {
                    let p = row + x
                    store16(load16(p) * w0 + load16(p + 1) * w1 + load16(p + 2) * w2, destination + x)
                    x += 16
                }
            }
            taps.withUnsafeBufferPointer { taps in
                while x + 16 <= width {
                    var sum = SIMD16<Float>(repeating: 0)
                    for c in taps.indices { sum += load16(row + x + c) * taps[c] }
                    store16(sum, destination + x)
                    x += 16
                }
                while x < width {
                    var sum: Float = 0
                    for c in taps.indices { sum += row[x + c] * taps[c] }
                    destination[x] = sum
                    x += 1
                }
            }
        }

        /// destination[x] = bias + Σ taps[r] · window[r][x] (the pass down).
        private static func correlateDown(_ taps: [Float], window: UnsafePointer<UnsafePointer<Float>>, bias: Float,
                                          into destination: UnsafeMutablePointer<Float>, width: Int) {
            if IntegerStage.usesKernels {
                return taps.withUnsafeBufferPointer {
                    convoy_correlate_down($0.baseAddress!, Int32($0.count), rows(window), bias, destination, width)
                }
            }
            var x = 0
            if taps.count == 3 {
                let (w0, w1, w2) = (taps[0], taps[1], taps[2])
                let (r0, r1, r2) = (window[0], window[1], window[2])
                while x + 16 <= width {
                    store16(bias + load16(r0 + x) * w0 + load16(r1 + x) * w1 + load16(r2 + x) * w2, destination + x)
                    x += 16
                }
            }
            taps.withUnsafeBufferPointer { taps in
                while x + 16 <= width {
                    var sum = SIMD16<Float>(repeating: bias)
                    for r in taps.indices { sum += load16(window[r] + x) * taps[r] }
                    store16(sum, destination + x)
                    x += 16
                }
                while x < width {
                    var sum = bias
                    for r in taps.indices { sum += window[r][x] * taps[r] }
                    destination[x] = sum
                    x += 1
                }
            }
        }

        /// destination[x] = bias + Σ taps[r][c] · window[r][x + c] over `rows` × `columns` taps.
        private static func correlate(_ taps: [Float], rows: Int, columns: Int,
                                      window: UnsafePointer<UnsafePointer<Float>>, bias: Float,
                                      into destination: UnsafeMutablePointer<Float>, width: Int) {
            if IntegerStage.usesKernels {
                return taps.withUnsafeBufferPointer {
                    convoy_correlate($0.baseAddress!, Int32(rows), Int32(columns), Stage.rows(window), bias, destination, width)
                }
            }
            taps.withUnsafeBufferPointer { taps in
                let weights = taps.baseAddress!
                var x = 0
                if columns == 3 {
                    while x + 16 <= width {
                        var sum = SIMD16<Float>(repeating: bias)
                        for r in 0..<rows {
                            let row = window[r] + x, w = weights + 3 * r
                            sum += load16(row) * w[0] + load16(row + 1) * w[1] + load16(row + 2) * w[2]
                        }
                        store16(sum, destination + x)
                        x += 16
                    }
                }
                while x + 16 <= width {
                    var sum = SIMD16<Float>(repeating: bias)
                    for r in 0..<rows {
                        let row = window[r] + x, rowWeights = weights + r * columns
                        for c in 0..<columns { sum += load16(row + c) * rowWeights[c] }
                    }
                    store16(sum, destination + x)
                    x += 16
                }
                while x < width {
                    var sum = bias
                    for r in 0..<rows {
                        for c in 0..<columns { sum += window[r][x + c] * weights[r * columns + c] }
                    }
                    destination[x] = sum
                    x += 1
                }
            }
        }
    }
}
