/// Every size of a 2-D convolution in one value: the batch, the input, the kernel, stride,
/// padding, dilation, groups and border mode, and the output sizes they imply.
///
/// Shapes, axis by axis:
/// - input:  `[batch, inChannels, inputHeight, inputWidth]` (NCHW)
/// - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW)
/// - output: `[batch, outChannels, outputHeight, outputWidth]` (NCHW)
///
/// Output size, per spatial axis (as PyTorch `Conv2d`; `/` rounds down):
///
///     outputHeight = (inputHeight + 2 * padY - dilationY * (kernelHeight - 1) - 1) / strideY + 1
///     outputWidth  = (inputWidth  + 2 * padX - dilationX * (kernelWidth  - 1) - 1) / strideX + 1
///
/// Output sample `(oy, ox)` reads input row `oy * strideY + i * dilationY - padY` and column
/// `ox * strideX + j * dilationX - padX` for kernel tap `(i, j)`; rows and columns outside the
/// input are resolved by `border`. The operation is correlation (the kernel is not flipped).
///
/// Channels are split into `groups` independent groups: output channel `o` belongs to group
/// `o / outChannelsPerGroup` and sees only input channels `g * inChannelsPerGroup ..< (g + 1) *
/// inChannelsPerGroup` of its group `g`.
public struct Conv2dGeometry: Equatable, Sendable {
    /// Number of images in the batch (N).
    public let batch: Int
    /// Input channels (C), all groups together.
    public let inChannels: Int
    /// Input rows (H).
    public let inputHeight: Int
    /// Input columns (W).
    public let inputWidth: Int
    /// Output channels (O), all groups together.
    public let outChannels: Int
    /// Kernel rows.
    public let kernelHeight: Int
    /// Kernel columns.
    public let kernelWidth: Int
    /// Vertical step between output rows, in input rows.
    public let strideY: Int
    /// Horizontal step between output columns, in input columns.
    public let strideX: Int
    /// Rows of padding added above and below the input (symmetric).
    public let padY: Int
    /// Columns of padding added left and right of the input (symmetric).
    public let padX: Int
    /// Vertical spacing between kernel taps, in input rows.
    public let dilationY: Int
    /// Horizontal spacing between kernel taps, in input columns.
    public let dilationX: Int
    /// Number of channel groups; 1 for a dense convolution, `inChannels` for depthwise.
    public let groups: Int
    /// What the padding reads.
    public let border: BorderMode

    /// Creates a geometry, checking that its sizes are consistent.
    ///
    /// - Precondition: batch non-negative, other sizes positive, padding non-negative,
    ///   `inChannels` and `outChannels` divisible by `groups`, and an output of at least one row
    ///   and one column.
    public init(
        batch: Int,
        inChannels: Int,
        inputHeight: Int,
        inputWidth: Int,
        outChannels: Int,
        kernelHeight: Int,
        kernelWidth: Int,
        strideY: Int = 1,
        strideX: Int = 1,
        padY: Int = 0,
        padX: Int = 0,
        dilationY: Int = 1,
        dilationX: Int = 1,
        groups: Int = 1,
        border: BorderMode = .zero
    ) {
        Conv2dGeometry.checkSizes("Conv2dGeometry", batch: batch, inChannels: inChannels, inputHeight: inputHeight, inputWidth: inputWidth,
                                  outChannels: outChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                  stride: (strideY, strideX), dilation: (dilationY, dilationX), groups: groups)
        precondition(padY >= 0 && padX >= 0, "Conv2dGeometry: padding must be non-negative, got (\(padY), \(padX))")
        self.batch = batch
        self.inChannels = inChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideY = strideY
        self.strideX = strideX
        self.padY = padY
        self.padX = padX
        self.dilationY = dilationY
        self.dilationX = dilationX
        self.groups = groups
        self.border = border
        precondition(
            outputHeight > 0 && outputWidth > 0,
            "Conv2dGeometry: dilated kernel \(kernelHeight)x\(kernelWidth) (dilation \(dilationY), \(dilationX)) does not fit "
                + "input \(inputHeight)x\(inputWidth) padded by (\(padY), \(padX))"
        )
    }

    /// The checks a convolution's sizes must pass, for this geometry and `ConvTranspose2dGeometry`
    /// (`type` names the one in messages): batch non-negative, the other sizes, strides,
    /// dilations and groups positive, channels divisible by `groups`.
    static func checkSizes(_ type: String, batch: Int, inChannels: Int, inputHeight: Int, inputWidth: Int, outChannels: Int,
                           kernelHeight: Int, kernelWidth: Int, stride: (y: Int, x: Int), dilation: (y: Int, x: Int), groups: Int) {
        precondition(batch >= 0, "\(type): batch must be non-negative, got \(batch)")
        precondition(
            inChannels > 0 && inputHeight > 0 && inputWidth > 0,
            "\(type): input sizes must be positive, got C \(inChannels), H \(inputHeight), W \(inputWidth)"
        )
        precondition(
            outChannels > 0 && kernelHeight > 0 && kernelWidth > 0,
            "\(type): weight sizes must be positive, got O \(outChannels), kH \(kernelHeight), kW \(kernelWidth)"
        )
        precondition(stride.y > 0 && stride.x > 0, "\(type): stride must be positive, got (\(stride.y), \(stride.x))")
        precondition(dilation.y > 0 && dilation.x > 0, "\(type): dilation must be positive, got (\(dilation.y), \(dilation.x))")
        precondition(groups > 0, "\(type): groups must be positive, got \(groups)")
        precondition(
            inChannels % groups == 0 && outChannels % groups == 0,
            "\(type): channels (in \(inChannels), out \(outChannels)) must be divisible by groups \(groups)"
        )
    }

    /// Output rows: `(inputHeight + 2 * padY - dilationY * (kernelHeight - 1) - 1) / strideY + 1`.
    public var outputHeight: Int {
        Conv2dGeometry.outputExtent(input: inputHeight, pad: padY, dilation: dilationY, kernel: kernelHeight, stride: strideY)
    }

    /// Output columns: `(inputWidth + 2 * padX - dilationX * (kernelWidth - 1) - 1) / strideX + 1`.
    public var outputWidth: Int {
        Conv2dGeometry.outputExtent(input: inputWidth, pad: padX, dilation: dilationX, kernel: kernelWidth, stride: strideX)
    }

    /// Input channels seen by each output channel: `inChannels / groups`.
    public var inChannelsPerGroup: Int { inChannels / groups }

    /// Output channels computed by each group: `outChannels / groups` (M of the group's GEMM).
    public var outChannelsPerGroup: Int { outChannels / groups }

    /// Output positions per image and channel, `outputHeight * outputWidth`: the im2col columns of
    /// one image (N of the GEMM when untiled).
    public var columnsPerImage: Int { outputHeight * outputWidth }

    /// im2col rows per group, `inChannelsPerGroup * kernelHeight * kernelWidth` (K of the GEMM).
    public var rowsPerGroup: Int { inChannelsPerGroup * kernelHeight * kernelWidth }

    /// `[batch, inChannels, inputHeight, inputWidth]`.
    public var inputShape: Shape { Shape(batch, inChannels, inputHeight, inputWidth) }

    /// `[batch, outChannels, outputHeight, outputWidth]`.
    public var outputShape: Shape { Shape(batch, outChannels, outputHeight, outputWidth) }

    /// `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW).
    public var weightShape: Shape { Shape(outChannels, inChannelsPerGroup, kernelHeight, kernelWidth) }

    /// True when the im2col matrix of a group is its input channels unchanged (1×1 kernel,
    /// stride 1, no padding), so the convolution can multiply the input directly.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1 && padY == 0 && padX == 0
    }

    /// The output size along one axis; 0 or less when the dilated kernel does not fit.
    static func outputExtent(input: Int, pad: Int, dilation: Int, kernel: Int, stride: Int) -> Int {
        let span = input + 2 * pad - dilation * (kernel - 1) - 1
        return span < 0 ? 0 : span / stride + 1
    }
}
