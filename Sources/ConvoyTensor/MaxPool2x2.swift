import CConvoyKernels

/// The 2×2, stride-2 max pool over rows of one plane, 16 outputs at a time in registers: shared
/// by `MaxPool2d` (ConvoyNN) and the convolution that pools its own tiles
/// (`Convolution.forwardPooled`).
///
/// NaN propagates, as PyTorch's `max_pool2d`: a window with a NaN gives NaN. Above the baseline
/// `KernelLevel` the 16-output steps run in CConvoyKernels' AVX2 or AVX-512 loop, which gives this
/// loop's bits.
public enum MaxPool2x2 {
    /// destination[oy · outputWidth + ox] = the largest of source rows 2·oy and 2·oy + 1,
    /// columns 2·ox and 2·ox + 1, for `outputHeight` × `outputWidth` outputs.
    ///
    /// - Parameters:
    ///   - source: the first input row; rows are `inputWidth` floats apart, and at least
    ///     `2 · outputWidth` of each are read.
    ///   - destination: the first output row; rows are `outputWidth` floats apart.
    public static func pool(_ source: UnsafePointer<Float>, inputWidth: Int, into destination: UnsafeMutablePointer<Float>,
                            outputHeight: Int, outputWidth: Int) {
        precondition(2 * outputWidth <= inputWidth, "MaxPool2x2 reads 2 × \(outputWidth) columns of \(inputWidth)")
        // The larger of each lane pair, NaN aside (the window's NaN is put back once, below).
        @inline(__always) func larger(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
            a.replacing(with: b, where: b .> a)
        }
        // The 16-output steps of every row at once in a kernel, when one runs above the baseline.
        let kernelColumns = KernelLevel.current == .baseline ? 0 : outputWidth / 16 * 16
        if kernelColumns > 0 {
            convoy_max_pool_2x2(source, inputWidth, destination, outputWidth, outputHeight, kernelColumns / 16)
        }
        for oy in 0..<outputHeight {
            let top = source + 2 * oy * inputWidth
            let bottom = top + inputWidth
            let out = destination + oy * outputWidth
            var ox = kernelColumns
            while ox + 16 <= outputWidth {
                let upper = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD32<Float>.self)
                let lower = UnsafeRawPointer(bottom + 2 * ox).loadUnaligned(as: SIMD32<Float>.self)
                var best = larger(larger(upper.evenHalf, upper.oddHalf), larger(lower.evenHalf, lower.oddHalf))
                best.replace(with: .nan, where: (upper.evenHalf .!= upper.evenHalf) .| (upper.oddHalf .!= upper.oddHalf)
                                             .| (lower.evenHalf .!= lower.evenHalf) .| (lower.oddHalf .!= lower.oddHalf))
                UnsafeMutableRawPointer(out + ox).storeBytes(of: best, as: SIMD16<Float>.self)
                ox += 16
            }
            while ox < outputWidth {
                let a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1]
                out[ox] = a.isNaN || b.isNaN || c.isNaN || d.isNaN ? .nan : max(max(a, b), max(c, d))
                ox += 1
            }
        }
    }
}
