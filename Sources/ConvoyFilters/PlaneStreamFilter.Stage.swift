import ConvoyTensor

extension PlaneStreamFilter {
    /// One kernel of the chain: its weights and the ring of input rows its window needs.
    ///
    /// Rows arrive in `slot(for:)` with `radiusX` samples of room on each side, which
    /// `finishRow(_:width:border:)` fills as the border mode says, so the taps of every output
    /// column read in bounds with no test per tap.
    ///
    /// A linear kernel whose matrix is an outer product (`column · rowᵀ`: the binomial Gaussian,
    /// box, Sobel-x and -y, …) runs separably: each arriving row is filtered across with `row`
    /// as it enters the ring, and an output row is the `column`-weighted sum of the ring's rows,
    /// `height + width` multiply-adds per sample instead of `height · width`. Zero, replicate and
    /// reflect borders read whole rows, so the two passes give the 2-D correlation's sums.
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
        /// For a separable linear kernel: the weights across (`kernelWidth`) and down
        /// (`kernelHeight`), whose outer product is `weights`.
        let separable: (across: [Float], down: [Float])?

        private var ring: UnsafeMutablePointer<Float>?
        /// Where rows arrive before the pass across, for a separable kernel.
        private var arrival: UnsafeMutablePointer<Float>?
        private var rowLength = 0
        /// The output row (and, for a gradient pair, the y responses) before the next stage.
        private(set) var output = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var partnerOutput = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        /// Row starts of the current output row's window (nil: a row of zeros).
        private let window: UnsafeMutablePointer<UnsafePointer<Float>?>

        init(kernel: Kernel) {
            kernelWidth = kernel.width
            kernelHeight = kernel.height
            radiusX = kernel.width / 2
            radiusY = kernel.height / 2
            weights = Array(kernel.weights.joined())
            partner = kernel.partnerWeights.map { Array($0.joined()) }
            bias = kernel.bias
            window = .allocate(capacity: kernel.height)
            separable = partner == nil && kernel.width > 1 && kernel.height > 1
                ? Stage.factor(weights, width: kernel.width, height: kernel.height) : nil
        }

        deinit {
            ring?.deallocate()
            arrival?.deallocate()
            output.deallocate()
            partnerOutput.deallocate()
            window.deallocate()
        }

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

        /// Makes room for rows of `width` samples.
        func allocate(width: Int) {
            ring?.deallocate()
            arrival?.deallocate()
            rowLength = width + 2 * radiusX + 16
            ring = .allocate(capacity: rowLength * kernelHeight)
            arrival = separable == nil ? nil : .allocate(capacity: rowLength)
            output.deallocate()
            partnerOutput.deallocate()
            output = .allocate(capacity: width + 16)
            partnerOutput = .allocate(capacity: width + 16)
        }

        /// The ring row that holds input row `y` (or, separably, its pass across).
        private func ringRow(_ y: Int) -> UnsafeMutablePointer<Float> {
            ring! + (y % kernelHeight) * rowLength + radiusX
        }

        /// Where input row `y` goes: the first of its `width` samples (the padding lies around it).
        func slot(for y: Int) -> UnsafeMutablePointer<Float> {
            separable == nil ? ringRow(y) : arrival! + radiusX
        }

        /// Fills the side padding of input row `y`, once its samples are in place (and, for a
        /// separable kernel, filters it across into the ring).
        func finishRow(_ y: Int, width: Int, border: BorderMode) {
            let row = slot(for: y)
            if radiusX > 0 {
                for offset in 1...radiusX {
                    row[-offset] = border.sourceIndex(-offset, count: width).map { row[$0] } ?? 0
                    row[width - 1 + offset] = border.sourceIndex(width - 1 + offset, count: width).map { row[$0] } ?? 0
                }
            }
            if let separable {
                window[0] = UnsafePointer(row - radiusX)
                Stage.correlate(separable.across, rows: 1, columns: kernelWidth, window: window, bias: 0,
                                into: ringRow(y), width: width)
            }
        }

        /// Computes output row `y` of a `height`-row plane into `destination` (`width` samples).
        func compute(row y: Int, height: Int, width: Int, border: BorderMode, into destination: UnsafeMutablePointer<Float>) {
            let start = separable == nil ? radiusX : 0
            for ky in 0..<kernelHeight {
                window[ky] = border.sourceIndex(y + ky - radiusY, count: height).map { UnsafePointer(ringRow($0) - start) }
            }
            if let separable {
                Stage.correlate(separable.down, rows: kernelHeight, columns: 1, window: window, bias: bias,
                                into: destination, width: width)
            } else if let partner {
                Stage.correlate(weights, rows: kernelHeight, columns: kernelWidth, window: window, bias: 0,
                                into: destination, width: width)
                Stage.correlate(partner, rows: kernelHeight, columns: kernelWidth, window: window, bias: 0,
                                into: partnerOutput, width: width)
                for x in 0..<width {
                    let gx = destination[x], gy = partnerOutput[x]
                    destination[x] = (gx * gx + gy * gy).squareRoot() + bias
                }
            } else {
                Stage.correlate(weights, rows: kernelHeight, columns: kernelWidth, window: window, bias: bias,
                                into: destination, width: width)
            }
        }

        /// destination[x] = bias + Σ taps[r][c] · window[r][x + c] over `rows` × `columns` taps,
        /// 16 columns per step in registers.
        private static func correlate(_ taps: [Float], rows: Int, columns: Int,
                                      window: UnsafeMutablePointer<UnsafePointer<Float>?>, bias: Float,
                                      into destination: UnsafeMutablePointer<Float>, width: Int) {
            taps.withUnsafeBufferPointer { taps in
                let weights = taps.baseAddress!
                var x = 0
                while x + 16 <= width {
                    var sum = SIMD16<Float>(repeating: bias)
                    for r in 0..<rows {
                        guard let row = window[r] else { continue }
                        let rowWeights = weights + r * columns
                        for c in 0..<columns {
                            let samples = UnsafeRawPointer(row + x + c).loadUnaligned(as: SIMD16<Float>.self)
                            // Multiply then add: `addProduct` becomes a call to fmaf per lane
                            // when the target has no FMA instruction (x86-64 baseline).
                            sum += samples * rowWeights[c]
                        }
                    }
                    UnsafeMutableRawPointer(destination + x).storeBytes(of: sum, as: SIMD16<Float>.self)
                    x += 16
                }
                while x < width {
                    var sum = bias
                    for r in 0..<rows {
                        guard let row = window[r] else { continue }
                        for c in 0..<columns { sum += row[x + c] * weights[r * columns + c] }
                    }
                    destination[x] = sum
                    x += 1
                }
            }
        }
    }
}
