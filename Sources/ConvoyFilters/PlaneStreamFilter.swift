import ConvoyTensor

/// Applies a `FilterChain` directly to one image plane of 8-bit or 16-bit samples, row by row and
/// in place: the direct path for fixed kernels.
///
/// A fixed kernel maps one plane to one plane, so as im2col + SGEMM it is a GEMM with M = 1 (a
/// matrix-vector product) whose im2col copies cost more than its arithmetic. This path reads each
/// sample once: a source row is converted to Float32 in 0…1 (as the batch tensor holds it), kept
/// in a ring of the last `kernel height` rows of each kernel of the chain, and each output row is
/// the sum of the kernel's taps over those rows, 16 columns at a time in SIMD registers; the last
/// kernel's rows go back to the plane through `SampleLevels.store`, as the batch tensor's do. Every
/// kernel reads beyond the plane's edges as `border` says, at the plane's true edges, so the
/// result equals the layer that `FilterChain.makeLayer()` builds, computed the same way in
/// Float32 (the sums run in another order, so the last bit of a sum may differ). A chain of one
/// 3×3 kernel with whole taps runs in 16-bit integers instead (`IntegerStage`), exactly.
///
/// Memory: a few rows per kernel, allocated once for the widest plane. One filter must not run on
/// two threads at once; make one per thread.
public final class PlaneStreamFilter {
    /// The chain it applies.
    public let chain: FilterChain
    private let stages: [Stage]
    /// The chain's one kernel in whole numbers, when it has that form (see `IntegerStage`).
    private let integerStage: IntegerStage?
    private var capacity = 0

    /// Creates a filter for `chain`.
    public init(chain: FilterChain) {
        self.chain = chain
        stages = chain.kernels.map(Stage.init)
        integerStage = stages.count == 1 ? IntegerStage(stages[0]) : nil
        var range: ClosedRange<Double> = 0...1
        for stage in stages { range = stage.range(of: range, zeroBorder: chain.border == .zero) }
        outputRange = range
    }

    /// The values the chain can produce from samples in 0…1, found by interval arithmetic through
    /// its kernels (with 0 among each kernel's inputs when the border is zero), widened by a
    /// millionth of the kernels' weight for Float32 rounding. A chain whose range lies inside
    /// 0…1 (give or take a quarter level) needs no clamp on the way back to levels.
    public let outputRange: ClosedRange<Double>

    /// For each kernel of the chain, whether it runs as two passes (across, then down) because
    /// its matrix is an outer product of two vectors.
    public var separableKernels: [Bool] { stages.map(\.separable) }

    /// Whether this path can filter a `width`×`height` plane: every kernel fits inside it, so its
    /// reads beyond the edges fold back no further than its own window.
    public func supports(width: Int, height: Int) -> Bool {
        stages.allSatisfy { width > 2 * $0.radiusX && height > 2 * $0.radiusY }
    }

    /// Whether planes of samples up to `maxLevel` run through the whole-number path: the chain is
    /// one 3×3 kernel with small whole taps across and down, and its sums fit in 16 bits.
    public func runsInWholeNumbers(maxLevel: Int) -> Bool {
        integerStage?.fits(maxLevel: maxLevel) ?? false
    }

    /// Filters the plane at `plane` in place.
    ///
    /// - Parameters:
    ///   - plane: the first sample; rows are `stride` bytes apart.
    ///   - bytesPerSample: 1 (`UInt8` samples) or 2 (`UInt16`, native order).
    ///   - maxLevel: the largest sample value (255, 1023, 65535), which maps to 1.0.
    /// - Precondition: `supports(width:height:)`.
    public func apply(to plane: UnsafeMutableRawPointer, width: Int, height: Int, stride: Int,
                      bytesPerSample: Int, maxLevel: Int) {
        precondition(supports(width: width, height: height), "plane \(width)×\(height) is smaller than a kernel")
        precondition(bytesPerSample == 1 || bytesPerSample == 2, "samples are 8 or 16 bits")
        guard !stages.isEmpty else { return }
        if let integerStage, integerStage.fits(maxLevel: maxLevel) {
            if bytesPerSample == 1 {
                integerStage.apply(to: plane, as: UInt8.self, width: width, height: height, stride: stride,
                                   maxLevel: maxLevel, border: chain.border)
            } else {
                integerStage.apply(to: plane, as: UInt16.self, width: width, height: height, stride: stride,
                                   maxLevel: maxLevel, border: chain.border)
            }
            return
        }
        if width > capacity {
            for stage in stages { stage.allocate(width: width) }
            capacity = width
        }
        let scale = 1 / Float(maxLevel)
        let top = Float(maxLevel)
        // Blurs and other kernels with weights of one sign that sum to at most 1 cannot leave
        // 0…1: their rows go back without the clamp (9% of the Gaussian's time).
        let range = outputRange
        let inRange = range.lowerBound >= -0.25 / Double(maxLevel) && range.upperBound <= 1 + 0.25 / Double(maxLevel)
        let border = chain.border
        // Rows enter stage 0 one at a time; each stage emits a row as soon as the rows below it
        // that its kernel needs have arrived, and hands it to the next stage; the last stage's
        // rows overwrite the plane. Output row y of the chain is written only after source rows
        // up to y + (sum of radii) were read, so writing in place never clobbers an unread row.
        var emitted = [Int](repeating: 0, count: stages.count)
        func push(_ stageIndex: Int, row y: Int) {
            let stage = stages[stageIndex]
            stage.finishRow(y, width: width, border: border)
            // Emit every output row whose window is now complete (all of it at the last row).
            while emitted[stageIndex] < height, emitted[stageIndex] + stage.radiusY <= y || y == height - 1 {
                let out = emitted[stageIndex]
                emitted[stageIndex] += 1
                if stageIndex + 1 < stages.count {
                    let next = stages[stageIndex + 1]
                    stage.compute(row: out, height: height, width: width, border: border, into: next.slot(for: out))
                    push(stageIndex + 1, row: out)
                } else {
                    let result = stage.output
                    stage.compute(row: out, height: height, width: width, border: border, into: result)
                    let destination = plane + out * stride
                    switch (bytesPerSample, inRange) {
                    case (1, true):
                        SampleLevels.storeInRange(result, into: destination.assumingMemoryBound(to: UInt8.self), count: width, top: top)
                    case (1, false):
                        SampleLevels.store(result, into: destination.assumingMemoryBound(to: UInt8.self), count: width, top: top)
                    case (_, true):
                        SampleLevels.storeInRange(result, into: destination.assumingMemoryBound(to: UInt16.self), count: width, top: top)
                    default:
                        SampleLevels.store(result, into: destination.assumingMemoryBound(to: UInt16.self), count: width, top: top)
                    }
                }
            }
        }
        let first = stages[0]
        for y in 0..<height {
            let source = UnsafeRawPointer(plane + y * stride)
            let row = first.slot(for: y)
            if bytesPerSample == 1 {
                SampleLevels.load(source.assumingMemoryBound(to: UInt8.self), into: row, count: width, scale: scale)
            } else {
                SampleLevels.load(source.assumingMemoryBound(to: UInt16.self), into: row, count: width, scale: scale)
            }
            push(0, row: y)
        }
    }
}
