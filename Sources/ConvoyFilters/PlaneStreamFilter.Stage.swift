import ConvoyTensor

extension PlaneStreamFilter {
    /// One kernel of the chain: its weights and the ring of input rows its window needs.
    ///
    /// Ring rows are Float32 with `radiusX` samples of padding on each side, filled as the border
    /// mode says, so the taps of every output column read in bounds with no test per tap.
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

        private var ring: UnsafeMutablePointer<Float>?
        private var rowLength = 0
        private var width = 0
        /// The output row (and, for a gradient pair, the y responses) before the next stage.
        private(set) var output = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var partnerOutput = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        /// Padded row starts of the current output row's window (nil: a row of zeros).
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
        }

        deinit {
            ring?.deallocate()
            output.deallocate()
            partnerOutput.deallocate()
            window.deallocate()
        }

        /// Makes room for rows of `width` samples.
        func allocate(width: Int) {
            ring?.deallocate()
            self.width = width
            rowLength = width + 2 * radiusX + 16
            ring = .allocate(capacity: rowLength * kernelHeight)
            output.deallocate()
            partnerOutput.deallocate()
            output = .allocate(capacity: width + 16)
            partnerOutput = .allocate(capacity: width + 16)
        }

        /// Where input row `y` goes: the first of its `width` samples (the padding lies around it).
        func slot(for y: Int) -> UnsafeMutablePointer<Float> {
            ring! + (y % kernelHeight) * rowLength + radiusX
        }

        /// Fills the side padding of input row `y`, once its samples are in place.
        func finishRow(_ y: Int, width: Int, border: BorderMode) {
            guard radiusX > 0 else { return }
            let row = slot(for: y)
            for offset in 1...radiusX {
                row[-offset] = border.sourceIndex(-offset, count: width).map { row[$0] } ?? 0
                row[width - 1 + offset] = border.sourceIndex(width - 1 + offset, count: width).map { row[$0] } ?? 0
            }
        }

        /// Computes output row `y` of a `height`-row plane into `destination` (`width` samples).
        func compute(row y: Int, height: Int, width: Int, border: BorderMode, into destination: UnsafeMutablePointer<Float>) {
            for ky in 0..<kernelHeight {
                window[ky] = border.sourceIndex(y + ky - radiusY, count: height).map { UnsafePointer(slot(for: $0) - radiusX) }
            }
            if let partner {
                correlate(weights, bias: 0, into: destination, width: width)
                correlate(partner, bias: 0, into: partnerOutput, width: width)
                for x in 0..<width {
                    let gx = destination[x], gy = partnerOutput[x]
                    destination[x] = (gx * gx + gy * gy).squareRoot() + bias
                }
            } else {
                correlate(weights, bias: bias, into: destination, width: width)
            }
        }

        /// destination[x] = bias + Σ taps over the window rows, 16 columns per step in registers.
        private func correlate(_ taps: [Float], bias: Float, into destination: UnsafeMutablePointer<Float>, width: Int) {
            taps.withUnsafeBufferPointer { taps in
                let weights = taps.baseAddress!
                var x = 0
                while x + 16 <= width {
                    var sum = SIMD16<Float>(repeating: bias)
                    for ky in 0..<kernelHeight {
                        guard let row = window[ky] else { continue }
                        let rowWeights = weights + ky * kernelWidth
                        for kx in 0..<kernelWidth {
                            let samples = UnsafeRawPointer(row + x + kx).loadUnaligned(as: SIMD16<Float>.self)
                            // Multiply then add: `addProduct` becomes a call to fmaf per lane
                            // when the target has no FMA instruction (x86-64 baseline).
                            sum += samples * rowWeights[kx]
                        }
                    }
                    UnsafeMutableRawPointer(destination + x).storeBytes(of: sum, as: SIMD16<Float>.self)
                    x += 16
                }
                while x < width {
                    var sum = bias
                    for ky in 0..<kernelHeight {
                        guard let row = window[ky] else { continue }
                        for kx in 0..<kernelWidth { sum += row[x + kx] * weights[ky * kernelWidth + kx] }
                    }
                    destination[x] = sum
                    x += 1
                }
            }
        }
    }
}
