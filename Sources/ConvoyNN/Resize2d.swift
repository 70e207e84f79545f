import ConvoyTensor

/// Resizes the height and width of a batch, as ONNX `Resize` (opsets 11 to 19) and `Upsample`
/// (opsets 7 to 9, which are `Resize` with `asymmetric` coordinates and `floor` rounding) on an
/// NCHW tensor whose batch and channel scales are 1.
///
/// Shapes: input `[batch, channels, height, width]` → output
/// `[batch, channels, outputHeight, outputWidth]`, the output size from `target` (see
/// `ResizeTarget`: `floor(height * scale)` for scales, as ONNX says, or given sizes).
///
/// Along each axis, output index `x` maps to input position `p` by `coordinates` (see
/// `ResizeCoordinateMode`; `scale` is the given scale or output length / input length). Then:
/// - `nearest`: the sample `clamp(round(p), 0, length - 1)`, `round` by `nearest` (see
///   `ResizeNearestMode`);
/// - `linear`: `p` is clamped to `0 ... length - 1`, and samples `i0 = floor(p)` and
///   `i1 = min(i0 + 1, length - 1)` are mixed with weights `1 - (p - i0)` and `p - i0`,
///   separably along rows and columns (bilinear), as onnxruntime does.
///
/// Positions are computed in `Float` as onnxruntime computes them, so ties in `nearest` rounding
/// fall the same way. Not supported (the importer refuses them): `cubic`, `tf_crop_and_resize`,
/// `antialias`, `exclude_outside`, scales on the batch or channel axis.
public final class Resize2d: Layer {
    /// Nearest or linear.
    public let mode: ResizeMode
    /// How output indices map to input positions.
    public let coordinates: ResizeCoordinateMode
    /// How `nearest` rounds positions (ignored by `linear`).
    public let nearest: ResizeNearestMode
    /// Scales or output sizes.
    public let target: ResizeTarget

    /// Creates the layer. A scale or size that leaves no output is reported by
    /// `validatedOutputShape(for:)`. The defaults are ONNX's.
    public init(mode: ResizeMode = .nearest, coordinates: ResizeCoordinateMode = .halfPixel,
                nearest: ResizeNearestMode = .roundPreferFloor, target: ResizeTarget) {
        self.mode = mode
        self.coordinates = coordinates
        self.nearest = nearest
        self.target = target
    }

    /// The output size and the scale the coordinate mapping uses, along an axis of `length`
    /// input samples; the size may be below 1 (`validatedOutputShape` refuses that).
    private func axis(_ length: Int, scale: Float?, size: Int?) -> (length: Int, scale: Float) {
        if let size = size {
            return (size, Float(size) / Float(length))
        }
        let scale = scale!
        let product = (Float(length) * scale).rounded(.down)
        // A scale far too large gives a length that validatedOutputShape refuses.
        return (product.isFinite ? Int(min(product, Float(Int32.max))) : Int(Int32.max), scale)
    }

    private func axes(for input: Shape) -> (rows: (length: Int, scale: Float), columns: (length: Int, scale: Float)) {
        switch target {
        case .scales(let y, let x):
            return (axis(input.h, scale: y, size: nil), axis(input.w, scale: x, size: nil))
        case .sizes(let height, let width):
            return (axis(input.h, scale: nil, size: height), axis(input.w, scale: nil, size: width))
        }
    }

    /// `[batch, channels, outputHeight, outputWidth]`.
    ///
    /// - Precondition: rank 4 with a non-empty plane, and an output of at least 1×1.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.h >= 1 && input.w >= 1, "Resize2d needs a non-empty [N, C, H, W], got \(input)")
        let (rows, columns) = axes(for: input)
        precondition(rows.length >= 1 && columns.length >= 1, "Resize2d \(target) leaves \(input) empty")
        return Shape(input.n, input.c, rows.length, columns.length)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has an empty plane, or the
    /// scales or sizes are not positive and finite, leave no output or an output out of range.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.h >= 1 && input.w >= 1 else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: 1, kernelWidth: 1)
        }
        if case .scales(let y, let x) = target, !(y > 0 && x > 0 && y.isFinite && x.isFinite) {
            throw LayerConfigurationError.invalidResizeScale(y: y, x: x)
        }
        let (rows, columns) = axes(for: input)
        guard rows.length >= 1 && columns.length >= 1 else {
            throw LayerConfigurationError.emptyResize(input: input, height: rows.length, width: columns.length)
        }
        try OutputSize.check("resize output height", rows.length)
        try OutputSize.check("resize output width", columns.length)
        _ = try OutputSize.shape([input.n, input.c, rows.length, columns.length], input: input)
        return outputShape(for: input)
    }

    /// For each output index along an axis: the two input samples it mixes and their weights
    /// (for `nearest`, one sample twice with weights 1 and 0).
    func taps(lengthIn: Int, lengthOut: Int, scale: Float) -> [(first: Int, second: Int, firstWeight: Float, secondWeight: Float)] {
        (0..<lengthOut).map { x in
            let position = coordinates.inputPosition(x, scale: scale, lengthIn: lengthIn, lengthOut: lengthOut)
            switch mode {
            case .nearest:
                let index = min(max(nearest.index(position), 0), lengthIn - 1)
                return (index, index, 1, 0)
            case .linear:
                let clamped = min(max(position, 0), Float(lengthIn - 1))
                let first = min(Int(clamped), lengthIn - 1)
                let second = min(first + 1, lengthIn - 1)
                let secondWeight = first == second ? 0 : clamped - Float(first)
                return (first, second, 1 - secondWeight, secondWeight)
            }
        }
    }

    /// Writes the resized input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "Resize2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "Resize2d cannot run in place")
        let (height, width) = (input.shape.h, input.shape.w)
        let (rowAxis, columnAxis) = axes(for: input.shape)
        let rows = taps(lengthIn: height, lengthOut: shape.h, scale: rowAxis.scale)
        let columns = taps(lengthIn: width, lengthOut: shape.w, scale: columnAxis.scale)
        let outputPlane = shape.h * shape.w
        let (source, destination) = (UnsafePointer(input.pointer), output.pointer)
        let isNearest = mode == .nearest
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                context.forEachTask(shape.n * shape.c, elements: output.count) { plane in
                    let from = source + plane * height * width
                    var to = destination + plane * outputPlane
                    for row in rows {
                        let top = from + row.first * width
                        if isNearest {
                            for column in columns {
                                to.pointee = top[column.first]
                                to += 1
                            }
                            continue
                        }
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
}
