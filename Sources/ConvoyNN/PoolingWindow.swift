import ConvoyTensor

/// The window of a 2-D pooling layer (kernel, stride, padding, dilation, ceil mode) and PyTorch's
/// rules for it, shared by `MaxPool2d` and `AvgPool2d`.
///
/// Output size per axis, as PyTorch's `pooling_output_shape` (`/` rounds down), with the dilated
/// kernel's span `dilation * (kernel - 1) + 1` for `kernel`:
///
///     output = (input + 2 * padding - span + (ceilMode ? stride - 1 : 0)) / stride + 1
///
/// and, in ceil mode, one less when the last window would start at or past
/// `input + padding` (in the right padding or beyond): every window starts inside the input or
/// its left padding. Output `o` reads input indices `o * stride - padding + i * dilation` for
/// `0 <= i < kernel`; its part beyond `input + padding` (the ceil-mode overhang) is never
/// counted, and padding is at most `kernel / 2`, so every window holds at least one input sample.
struct PoolingWindow {
    let kernel: (y: Int, x: Int)
    let stride: (y: Int, x: Int)
    let padding: (y: Int, x: Int)
    let ceilMode: Bool
    /// The step between the window's taps (1: adjacent samples).
    let dilation: (y: Int, x: Int)

    /// Checks the settings as PyTorch does; `stride` nil means `kernel`.
    init(kernel: (y: Int, x: Int), stride: (y: Int, x: Int)?, padding: (y: Int, x: Int), ceilMode: Bool,
         dilation: (y: Int, x: Int) = (1, 1)) throws {
        let stride = stride ?? kernel
        guard dilation.y >= 1 && dilation.x >= 1 else {
            throw LayerConfigurationError.nonPositiveDilation(y: dilation.y, x: dilation.x)
        }
        guard kernel.y >= 1 && kernel.x >= 1 else {
            throw LayerConfigurationError.nonPositiveKernel(y: kernel.y, x: kernel.x)
        }
        guard stride.y >= 1 && stride.x >= 1 else {
            throw LayerConfigurationError.nonPositiveStride(y: stride.y, x: stride.x)
        }
        guard padding.y >= 0 && padding.x >= 0 else {
            throw LayerConfigurationError.negativePadding(y: padding.y, x: padding.x)
        }
        guard padding.y <= kernel.y / 2 && padding.x <= kernel.x / 2 else {
            throw LayerConfigurationError.poolingPaddingTooLarge(
                paddingY: padding.y, paddingX: padding.x, kernelHeight: kernel.y, kernelWidth: kernel.x
            )
        }
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.ceilMode = ceilMode
        self.dilation = dilation
    }

    /// The output size along one axis (0 or less when the input is too small for the kernel).
    static func outputExtent(input: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool, dilation: Int = 1) -> Int {
        let span = input + 2 * padding - (dilation * (kernel - 1) + 1) + (ceilMode ? stride - 1 : 0)
        // Rounds towards minus infinity, as PyTorch's div_rtn.
        var extent = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1
        if ceilMode && extent >= 1 && (extent - 1) * stride >= input + padding {
            extent -= 1
        }
        return extent
    }

    /// `[batch, channels, outputHeight, outputWidth]`, or nil when an axis would be empty.
    func outputShape(for input: Shape) -> Shape? {
        guard input.rank == 4, input.h >= 1, input.w >= 1 else {
            return nil
        }
        let height = PoolingWindow.outputExtent(input: input.h, kernel: kernel.y, stride: stride.y, padding: padding.y, ceilMode: ceilMode,
                                                dilation: dilation.y)
        let width = PoolingWindow.outputExtent(input: input.w, kernel: kernel.x, stride: stride.x, padding: padding.x, ceilMode: ceilMode,
                                               dilation: dilation.x)
        guard height >= 1 && width >= 1 else {
            return nil
        }
        return Shape(input.n, input.c, height, width)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or too small for the kernel.
    func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard let shape = outputShape(for: input) else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: kernel.y, kernelWidth: kernel.x)
        }
        return shape
    }

    /// For each output index along an axis: the first input index the window reads and one past
    /// the last (clipped to the input; its taps are `dilation` apart from the first, and `start ==
    /// end` when none is inside), and the window's length counting the padding but not the
    /// ceil-mode overhang (PyTorch's `pool_size` factor for `count_include_pad`, for dilation 1).
    static func spans(outputs: Int, input: Int, kernel: Int, stride: Int, padding: Int,
                      dilation: Int = 1) -> [(start: Int, end: Int, padded: Int)] {
        (0..<outputs).map { o in
            let start = o * stride - padding
            let end = min(start + dilation * (kernel - 1) + 1, input + padding)
            let first = start >= 0 ? start : start + (-start + dilation - 1) / dilation * dilation
            let limit = min(end, input)
            let last = first < limit ? first + (limit - 1 - first) / dilation * dilation : first - 1
            return (first, last + 1, end - start)
        }
    }
}
