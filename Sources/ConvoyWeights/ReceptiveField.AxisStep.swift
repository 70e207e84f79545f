extension ReceptiveField {
    /// Which input samples one layer reads along one axis (rows or columns), for the layers whose
    /// reads are local: output sample `i` depends on a short run of input samples near
    /// `i / scale`, the same run wherever the tensor starts, as long as it starts on the layer's
    /// grid.
    enum AxisStep: Equatable {
        /// Output `i` reads input `i` (activations, normalisation, batch norm, softmax over
        /// channels, merges).
        case pointwise
        /// Output `i` reads inputs `i * stride - padding ..< i * stride - padding + span`:
        /// a convolution (`span = dilation * (kernel - 1) + 1`) or a pooling window (`span =
        /// kernel`). Reads outside the input are the layer's padding.
        case window(span: Int, stride: Int, padding: Int)
        /// Output `i` reads input `i / factor`, rounded down: nearest upsampling, pixel shuffle.
        case replicate(factor: Int)
        /// Output `i` mixes inputs `i0` and `i0 + 1`, `i0 = floor((i + 0.5) / factor - 0.5)`
        /// (clamped to the input at its edges): bilinear upsampling with half-pixel centres
        /// (`align_corners: false`).
        case interpolate(factor: Int)

        /// The scale of the output, given the scale of the input; nil on overflow.
        func outputScale(_ input: ScaleFactor) -> ScaleFactor? {
            switch self {
            case .pointwise:
                return input
            case .window(_, let stride, _):
                return input.divided(by: stride)
            case .replicate(let factor), .interpolate(let factor):
                return input.multiplied(by: factor)
            }
        }

        /// How far the input samples a run of outputs reads reach beyond that run's image.
        ///
        /// Say the outputs needed are `c - before ..< d + after`, where `c ..< d` is the image of
        /// a tile's core (`c` and `d` on the output grid of a tile start). Then the inputs read are
        /// `c' - before' ..< d' + after'`, where `c' ..< d'` is the same core in input samples;
        /// this returns `(before', after')`. Either may be negative (the reads stop short of the
        /// core's edge); the caller keeps them as they are and clamps only the final halo.
        ///
        /// - `window`: the outputs read `(c - b) s - p ..< (d + a - 1) s - p + span`, and
        ///   `c' = c s`, so `b' = b s + p` and `a' = a s + span - p - s`.
        /// - `replicate`: inputs `floor((r c' - b) / r) ..< floor((r d' + a - 1) / r) + 1`, so
        ///   `b' = ceil(b / r)` and `a' = ceil(a / r)`.
        /// - `interpolate`: output `u` reads `floor((2u + 1 - r) / 2r)` and the sample after it.
        ///   `Upsample` computes that position in floating point, which may land just below an
        ///   exact integer; the lower read is therefore taken as `floor((2u - r) / 2r)`, which
        ///   covers that rounding. So `b' = ceil((2b + r) / 2r)` and
        ///   `a' = floor((2a - 1 - r) / 2r) + 2`.
        func inputReach(before: Int, after: Int) -> (before: Int, after: Int) {
            switch self {
            case .pointwise:
                return (before, after)
            case .window(let span, let stride, let padding):
                return (before * stride + padding, after * stride + span - padding - stride)
            case .replicate(let factor):
                return (Self.ceilDivide(before, factor), Self.ceilDivide(after, factor))
            case .interpolate(let factor):
                return (Self.ceilDivide(2 * before + factor, 2 * factor), Self.floorDivide(2 * after - 1 - factor, 2 * factor) + 2)
            }
        }

        /// `a / b` rounded towards minus infinity, for `b > 0`.
        static func floorDivide(_ a: Int, _ b: Int) -> Int {
            a >= 0 ? a / b : -((-a + b - 1) / b)
        }

        /// `a / b` rounded towards plus infinity, for `b > 0`.
        static func ceilDivide(_ a: Int, _ b: Int) -> Int {
            -floorDivide(-a, b)
        }
    }
}

extension ReceptiveField.AxisStep: CustomStringConvertible {
    /// Whether every setting is between 1 (0 for padding) and 2²⁰, so that reaches up to
    /// `ReceptiveField.largest` can be stepped through without overflow.
    var isModest: Bool {
        let limit = 1 << 20
        switch self {
        case .pointwise:
            return true
        case .window(let span, let stride, let padding):
            return (1...limit).contains(span) && (1...limit).contains(stride) && (0...limit).contains(padding)
        case .replicate(let factor), .interpolate(let factor):
            return (1...limit).contains(factor)
        }
    }

    /// `window(span 3, stride 2, padding 1)`.
    var description: String {
        switch self {
        case .pointwise: return "pointwise"
        case .window(let span, let stride, let padding): return "window(span \(span), stride \(stride), padding \(padding))"
        case .replicate(let factor): return "replicate(×\(factor))"
        case .interpolate(let factor): return "interpolate(×\(factor))"
        }
    }
}
