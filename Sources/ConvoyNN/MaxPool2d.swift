import ConvoyTensor

/// 2-D max pooling, as PyTorch's `nn.MaxPool2d` and ONNX `MaxPool` (with `dilations`): each
/// output sample is the largest input sample in its window. Padded samples never win (they act as minus infinity), and a NaN
/// in a window makes that output NaN, as in PyTorch.
///
/// Shapes: input `[batch, channels, height, width]` → output
/// `[batch, channels, outputHeight, outputWidth]`, where per axis (`/` rounds down)
///
///     output = (input + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride + 1
///
/// and in ceil mode one less when the last window would start in the right padding or beyond
/// (PyTorch's rule: every window starts inside the input or its left padding). Output `(oy, ox)`
/// reads input rows `oy * stride.y - padding.y + i * dilation.y` for `0 <= i < kernel.y`, and
/// likewise for columns.
///
/// Example (PyTorch's): a 5×5 input with kernel 2, stride 2 gives 2×2, or 3×3 with `ceilMode`.
public final class MaxPool2d: Layer {
    /// Window rows and columns.
    public var kernel: (y: Int, x: Int) { window.kernel }
    /// Step between windows; equals `kernel` unless given.
    public var stride: (y: Int, x: Int) { window.stride }
    /// Implicit padding on each side (top and bottom get `y`, left and right get `x`).
    public var padding: (y: Int, x: Int) { window.padding }
    /// Whether output sizes round up (PyTorch's `ceil_mode`).
    public var ceilMode: Bool { window.ceilMode }
    /// The step between a window's taps (1: adjacent samples).
    public var dilation: (y: Int, x: Int) { window.dilation }

    private let window: PoolingWindow

    /// Creates the layer.
    ///
    /// - Parameters:
    ///   - kernel: window rows and columns (PyTorch's `kernel_size`).
    ///   - stride: step between windows; `nil` (the default) means `kernel`, as in PyTorch.
    ///   - padding: implicit padding on each side, at most half the kernel.
    ///   - ceilMode: round output sizes up instead of down.
    ///   - dilation: the step between a window's taps.
    /// - Throws: `LayerConfigurationError` when the kernel, stride or dilation is below 1, the
    ///   padding is negative or more than half the kernel.
    public init(kernel: (y: Int, x: Int), stride: (y: Int, x: Int)? = nil, padding: (y: Int, x: Int) = (0, 0), ceilMode: Bool = false,
                dilation: (y: Int, x: Int) = (1, 1)) throws {
        window = try PoolingWindow(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, dilation: dilation)
    }

    /// `[batch, channels, outputHeight, outputWidth]`.
    ///
    /// - Precondition: a rank-4 input large enough for one window (see `validatedOutputShape`).
    public func outputShape(for input: Shape) -> Shape {
        guard let shape = window.outputShape(for: input) else {
            preconditionFailure("MaxPool2d with kernel \(kernel) cannot pool \(input)")
        }
        return shape
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or too small for one window.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        try window.validatedOutputShape(for: input)
    }

    /// Writes the maximum of each window into `output`, which must not share storage with
    /// `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "MaxPool2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "MaxPool2d cannot run in place")
        let (dy, dx) = dilation
        let rows = PoolingWindow.spans(outputs: shape.h, input: input.shape.h, kernel: kernel.y, stride: stride.y, padding: padding.y, dilation: dy)
        let columns = PoolingWindow.spans(outputs: shape.w, input: input.shape.w, kernel: kernel.x, stride: stride.x, padding: padding.x, dilation: dx)
        let inputWidth = input.shape.w
        let inputPlane = input.shape.h * inputWidth
        let outputPlane = shape.h * shape.w
        let source = input.pointer
        let destination = output.pointer
        if kernel == (2, 2) && stride == (2, 2) && padding == (0, 0) && dilation == (1, 1) && shape.h * 2 <= input.shape.h && shape.w * 2 <= input.shape.w {
            context.forEachTask(shape.n * shape.c, elements: input.count) { plane in
                MaxPool2x2.pool(source + plane * inputPlane, inputWidth: inputWidth,
                                  into: destination + plane * outputPlane, outputHeight: shape.h, outputWidth: shape.w)
            }
            return
        }
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                context.forEachTask(shape.n * shape.c, elements: input.count) { plane in
                    let from = source + plane * inputPlane
                    var to = destination + plane * outputPlane
                    for row in rows {
                        for column in columns {
                            var best = -Float.infinity
                            for y in Swift.stride(from: row.start, to: row.end, by: dy) {
                                let line = from + y * inputWidth
                                for x in Swift.stride(from: column.start, to: column.end, by: dx) {
                                    let value = line[x]
                                    if value > best || value.isNaN {
                                        best = value
                                    }
                                }
                            }
                            to.pointee = best
                            to += 1
                        }
                    }
                }
            }
        }
    }
}
