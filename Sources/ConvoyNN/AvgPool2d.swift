import ConvoyTensor

/// 2-D average pooling, as PyTorch's `nn.AvgPool2d`: each output sample is the sum of the input
/// samples in its window divided by a count.
///
/// Shapes: input `[batch, channels, height, width]` → output
/// `[batch, channels, outputHeight, outputWidth]`, with the same output-size rule as `MaxPool2d`
/// (PyTorch's, including ceil mode):
///
///     output = (input + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)) / stride + 1
///
/// The divisor, per output sample, is PyTorch's:
/// - `divisorOverride` when given;
/// - else with `countIncludePad` (the default) the window's size counting the zero padding but
///   not the part that hangs past the padding in ceil mode: rows
///   `min(start + kernel, input + padding) - start` times the same for columns;
/// - else the number of input samples in the window.
public final class AvgPool2d: Layer {
    /// Window rows and columns.
    public var kernel: (y: Int, x: Int) { window.kernel }
    /// Step between windows; equals `kernel` unless given.
    public var stride: (y: Int, x: Int) { window.stride }
    /// Implicit zero padding on each side (top and bottom get `y`, left and right get `x`).
    public var padding: (y: Int, x: Int) { window.padding }
    /// Whether output sizes round up (PyTorch's `ceil_mode`).
    public var ceilMode: Bool { window.ceilMode }
    /// Whether the zero padding counts in the divisor (PyTorch's `count_include_pad`).
    public let countIncludePad: Bool
    /// A fixed divisor for every window (PyTorch's `divisor_override`), or nil.
    public let divisorOverride: Int?

    private let window: PoolingWindow

    /// Creates the layer.
    ///
    /// - Parameters:
    ///   - kernel: window rows and columns (PyTorch's `kernel_size`).
    ///   - stride: step between windows; `nil` (the default) means `kernel`, as in PyTorch.
    ///   - padding: implicit zero padding on each side, at most half the kernel.
    ///   - ceilMode: round output sizes up instead of down.
    ///   - countIncludePad: count the zero padding in the divisor.
    ///   - divisorOverride: divide every window's sum by this instead.
    /// - Throws: `LayerConfigurationError` when the kernel, stride or divisor is below 1, or the
    ///   padding is negative or more than half the kernel.
    public init(
        kernel: (y: Int, x: Int),
        stride: (y: Int, x: Int)? = nil,
        padding: (y: Int, x: Int) = (0, 0),
        ceilMode: Bool = false,
        countIncludePad: Bool = true,
        divisorOverride: Int? = nil
    ) throws {
        window = try PoolingWindow(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)
        if let divisor = divisorOverride, divisor < 1 {
            throw LayerConfigurationError.nonPositiveDivisor(divisor)
        }
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
    }

    /// `[batch, channels, outputHeight, outputWidth]`.
    ///
    /// - Precondition: a rank-4 input large enough for one window (see `validatedOutputShape`).
    public func outputShape(for input: Shape) -> Shape {
        guard let shape = window.outputShape(for: input) else {
            preconditionFailure("AvgPool2d with kernel \(kernel) cannot pool \(input)")
        }
        return shape
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or too small for one window.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        try window.validatedOutputShape(for: input)
    }

    /// Writes the average of each window into `output`, which must not share storage with
    /// `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "AvgPool2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "AvgPool2d cannot run in place")
        let rows = PoolingWindow.spans(outputs: shape.h, input: input.shape.h, kernel: kernel.y, stride: stride.y, padding: padding.y)
        let columns = PoolingWindow.spans(outputs: shape.w, input: input.shape.w, kernel: kernel.x, stride: stride.x, padding: padding.x)
        // One divisor per output position, shared by every plane.
        var divisors = [Float](repeating: 1, count: shape.h * shape.w)
        for (i, row) in rows.enumerated() {
            for (j, column) in columns.enumerated() {
                divisors[i * shape.w + j] = divisor(row: row, column: column)
            }
        }
        let inputWidth = input.shape.w
        let inputPlane = input.shape.h * inputWidth
        let outputPlane = shape.h * shape.w
        let source = input.pointer
        let destination = output.pointer
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                divisors.withUnsafeBufferPointer { divisors in
                    context.forEachTask(shape.n * shape.c, elements: input.count) { plane in
                        let from = source + plane * inputPlane
                        let to = destination + plane * outputPlane
                        var index = 0
                        for row in rows {
                            for column in columns {
                                var sum: Float = 0
                                for y in row.start..<row.end {
                                    let line = from + y * inputWidth
                                    for x in column.start..<column.end {
                                        sum += line[x]
                                    }
                                }
                                to[index] = sum / divisors[index]
                                index += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The divisor of the window spanning `row` × `column` (spans as `PoolingWindow.spans` gives
    /// them), by the rule in the type's description; at least 1.
    func divisor(row: (start: Int, end: Int, padded: Int), column: (start: Int, end: Int, padded: Int)) -> Float {
        let divisor: Int
        if let divisorOverride = divisorOverride {
            divisor = divisorOverride
        } else if countIncludePad {
            divisor = row.padded * column.padded
        } else {
            divisor = (row.end - row.start) * (column.end - column.start)
        }
        return Float(max(divisor, 1))
    }
}
