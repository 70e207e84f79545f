import ConvoyTensor

/// Upsampling by integer factors, as PyTorch's `nn.Upsample(scale_factor:mode:align_corners:)`.
///
/// Shapes: input `[batch, channels, height, width]` → output
/// `[batch, channels, height * scale.y, width * scale.x]`.
///
/// Along each axis, output index `o` reads input position `src` (`n` the input size, `s` the
/// scale):
/// - `.nearest`: the input sample `o / s` (rounded down).
/// - `.bilinear` with `alignCorners == false` (half-pixel centres, PyTorch's default):
///   `src = max((o + 0.5) / s - 0.5, 0)`.
/// - `.bilinear` with `alignCorners == true` (first and last samples line up):
///   `src = o * (n - 1) / (n * s - 1)`, or 0 when the output has one sample.
///
/// Bilinear interpolation then mixes samples `i0 = floor(src)` and `i1 = min(i0 + 1, n - 1)` with
/// weights `1 - (src - i0)` and `src - i0`, separably along rows and columns, so positions past
/// the last sample read the edge (clamped). `alignCorners` is ignored by `.nearest`, as in PyTorch.
public final class Upsample: Layer {
    /// Output rows per input row and output columns per input column.
    public let scale: (y: Int, x: Int)
    /// Nearest or bilinear.
    public let mode: UpsampleMode
    /// Whether bilinear interpolation lines up the corner samples (PyTorch's `align_corners`).
    public let alignCorners: Bool

    /// Creates the layer. A scale below 1 is reported by `validatedOutputShape(for:)`.
    public init(scale: (y: Int, x: Int), mode: UpsampleMode, alignCorners: Bool = false) {
        self.scale = scale
        self.mode = mode
        self.alignCorners = alignCorners
    }

    /// `[batch, channels, height * scale.y, width * scale.x]`.
    ///
    /// - Precondition: rank-4 input and a scale of at least 1.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "Upsample input must be rank 4 NCHW, got \(input)")
        precondition(scale.y >= 1 && scale.x >= 1, "Upsample scale must be at least 1, got \(scale)")
        return Shape(input.n, input.c, input.h * scale.y, input.w * scale.x)
    }

    /// `outputShape(for:)`, throwing when the scale is below 1 or the input is not rank 4.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard scale.y >= 1 && scale.x >= 1 else {
            throw LayerConfigurationError.nonPositiveScale(y: scale.y, x: scale.x)
        }
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        return outputShape(for: input)
    }

    /// Writes the upsampled input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "Upsample output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "Upsample cannot run in place")
        switch mode {
        case .nearest:
            nearest(input, into: output, context: context)
        case .bilinear:
            bilinear(input, into: output, context: context)
        }
    }

    private func nearest(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let (height, width) = (input.shape.h, input.shape.w)
        let outputWidth = width * scale.x
        let (scaleY, scaleX) = scale
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(input.shape.n * input.shape.c, elements: output.count) { plane in
            let from = source + plane * height * width
            let to = destination + plane * height * width * scaleY * scaleX
            for y in 0..<height {
                let line = from + y * width
                let first = to + y * scaleY * outputWidth
                var column = first
                for x in 0..<width {
                    let value = line[x]
                    for _ in 0..<scaleX {
                        column.pointee = value
                        column += 1
                    }
                }
                for copy in 1..<scaleY {
                    (first + copy * outputWidth).update(from: first, count: outputWidth)
                }
            }
        }
    }

    private func bilinear(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let (height, width) = (input.shape.h, input.shape.w)
        let rows = Upsample.taps(input: height, scale: scale.y, alignCorners: alignCorners)
        let columns = Upsample.taps(input: width, scale: scale.x, alignCorners: alignCorners)
        let outputPlane = rows.count * columns.count
        let source = input.pointer
        let destination = output.pointer
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                context.forEachTask(input.shape.n * input.shape.c, elements: output.count) { plane in
                    let from = source + plane * height * width
                    var to = destination + plane * outputPlane
                    for row in rows {
                        let top = from + row.first * width
                        let bottom = from + row.second * width
                        for column in columns {
                            let upper = column.firstWeight * top[column.first] + column.secondWeight * top[column.second]
                            let lower = column.firstWeight * bottom[column.first] + column.secondWeight * bottom[column.second]
                            to.pointee = row.firstWeight * upper + row.secondWeight * lower
                            to += 1
                        }
                    }
                }
            }
        }
    }

    /// For each output index along an axis of `input` samples: the two input samples it mixes
    /// and their weights.
    static func taps(input: Int, scale: Int, alignCorners: Bool) -> [(first: Int, second: Int, firstWeight: Float, secondWeight: Float)] {
        let outputs = input * scale
        return (0..<outputs).map { o in
            let position: Double
            if alignCorners {
                position = outputs > 1 ? Double(o) * Double(input - 1) / Double(outputs - 1) : 0
            } else {
                position = max((Double(o) + 0.5) / Double(scale) - 0.5, 0)
            }
            let first = min(Int(position), input - 1)
            let second = first < input - 1 ? first + 1 : first
            let secondWeight = Float(position - Double(first))
            return (first, second, 1 - secondWeight, secondWeight)
        }
    }
}
