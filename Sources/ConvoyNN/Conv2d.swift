import ConvoyTensor

/// A 2-D convolution layer with fixed weights, as PyTorch's `nn.Conv2d` (correlation, no kernel
/// flip), computed with im2col + SGEMM (`Convolution.forward`).
///
/// Shapes:
/// - input:  `[batch, inChannels, height, width]`, with `inChannels = weight.shape[1] * groups`
/// - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW)
/// - bias:   `[outChannels]`
/// - output: `[batch, outChannels, outputHeight, outputWidth]`, where per axis
///   `output = (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1`.
///
/// The layer keeps (does not copy) the weight and bias tensors.
public final class Conv2d: Layer {
    /// `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
    public let weight: Tensor
    /// `[outChannels]`, or `nil`.
    public let bias: Tensor?
    /// Step between output samples, in input samples.
    public let stride: (y: Int, x: Int)
    /// Symmetric padding on each side (top and bottom get `y`, left and right get `x`).
    public let padding: (y: Int, x: Int)
    /// Spacing between kernel taps.
    public let dilation: (y: Int, x: Int)
    /// Channel groups (1 dense, `inChannels` depthwise).
    public let groups: Int
    /// What the padding reads.
    public let border: BorderMode
    /// Applied to each output tile right after its GEMM (see `fusing(_:)`).
    public let activation: ConvolutionActivation
    /// Whether a 2×2, stride-2 max pool (floor mode) follows the activation inside the layer
    /// (`fusingMaxPool()`): the output is `[N, outChannels, H_out / 2, W_out / 2]` and the
    /// full-size result never reaches memory (`Convolution.forwardPooled`).
    public let fusedMaxPool: Bool

    /// Creates the layer, checking its weights and settings.
    ///
    /// - Throws: `LayerConfigurationError` when the weight is not rank 4 or has an empty axis,
    ///   the output channels are not divisible by `groups`, the bias is not `[outChannels]`,
    ///   stride or dilation is below 1, or padding is negative.
    public init(
        weight: Tensor,
        bias: Tensor?,
        stride: (y: Int, x: Int) = (1, 1),
        padding: (y: Int, x: Int) = (0, 0),
        dilation: (y: Int, x: Int) = (1, 1),
        groups: Int = 1,
        border: BorderMode = .zero,
        activation: ConvolutionActivation = .none,
        fusedMaxPool: Bool = false
    ) throws {
        try LayerConfigurationError.checkKernel(weight, groups: groups)
        guard weight.shape[0] % groups == 0 else {
            throw LayerConfigurationError.outChannelsNotDivisibleByGroups(outChannels: weight.shape[0], groups: groups)
        }
        try LayerConfigurationError.checkBias(bias, channels: weight.shape[0])
        try LayerConfigurationError.checkSteps(stride: stride, dilation: dilation)
        guard padding.y >= 0 && padding.x >= 0 else {
            throw LayerConfigurationError.negativePadding(y: padding.y, x: padding.x)
        }
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.border = border
        self.activation = activation
        self.fusedMaxPool = fusedMaxPool
    }

    /// Output channels (`weight.shape[0]`).
    public var outChannels: Int { weight.shape[0] }

    /// Input channels the layer expects (`weight.shape[1] * groups`).
    public var inChannels: Int { weight.shape[1] * groups }

    /// The full convolution geometry for an input of shape `input` (`[batch, inChannels, H, W]`).
    ///
    /// - Precondition: `input` is rank 4 with `inChannels` channels and large enough for the
    ///   kernel; `validatedOutputShape(for:)` checks this without stopping the program.
    public func geometry(for input: Shape) -> Conv2dGeometry {
        precondition(input.rank == 4, "Conv2d input must be rank 4 NCHW, got \(input)")
        precondition(input.c == inChannels, "Conv2d expects \(inChannels) input channels, got \(input)")
        return Conv2dGeometry(
            batch: input.n,
            inChannels: input.c,
            inputHeight: input.h,
            inputWidth: input.w,
            outChannels: outChannels,
            kernelHeight: weight.shape[2],
            kernelWidth: weight.shape[3],
            strideY: stride.y,
            strideX: stride.x,
            padY: padding.y,
            padX: padding.x,
            dilationY: dilation.y,
            dilationX: dilation.x,
            groups: groups,
            border: border
        )
    }

    /// `[batch, outChannels, outputHeight, outputWidth]`, each of the last two halved (rounded
    /// down) when the layer pools (`fusedMaxPool`).
    public func outputShape(for input: Shape) -> Shape {
        let full = geometry(for: input).outputShape
        return fusedMaxPool ? Shape(full.n, full.c, full.h / 2, full.w / 2) : full
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4, has the wrong channel count,
    /// or is too small for the dilated kernel.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c == inChannels else {
            throw LayerConfigurationError.inputChannelMismatch(expected: inChannels, actual: input.c)
        }
        let spanY = dilation.y * (weight.shape[2] - 1) + 1
        let spanX = dilation.x * (weight.shape[3] - 1) + 1
        guard input.h >= 1, input.w >= 1, input.h + 2 * padding.y >= spanY, input.w + 2 * padding.x >= spanX else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: spanY, kernelWidth: spanX)
        }
        let full = geometry(for: input).outputShape
        if fusedMaxPool, full.h < 2 || full.w < 2 {
            throw LayerConfigurationError.inputTooSmall(input: full, kernelHeight: 2, kernelWidth: 2)
        }
        return outputShape(for: input)
    }

    /// Convolves `input` into `output` with the context's GEMM and workspace.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        if fusedMaxPool {
            Convolution.forwardPooled(input: input, weight: weight, bias: bias, geometry: geometry(for: input.shape),
                                      output: output, workspaces: context.workspaces, gemm: context.gemm,
                                      activation: activation)
            return
        }
        Convolution.forward(
            input: input,
            weight: weight,
            bias: bias,
            geometry: geometry(for: input.shape),
            output: output,
            workspaces: context.workspaces,
            gemm: context.gemm,
            activation: activation
        )
    }

    /// A new convolution computing this one followed by `batchNorm` (inference mode), with the
    /// normalisation folded into the weights:
    ///
    ///     weight'[o, i, y, x] = weight[o, i, y, x] * scale[o]
    ///     bias'[o]            = (bias[o] or 0) * scale[o] + shift[o]
    ///
    /// where `scale[o] = bnWeight[o] / sqrt(runningVar[o] + eps)` and
    /// `shift[o] = bnBias[o] - runningMean[o] * scale[o]` (worked out in `Double`). The result
    /// always has a bias and keeps this layer's stride, padding, dilation, groups and border;
    /// this layer is left unchanged.
    ///
    /// - Throws: `LayerConfigurationError.batchNormChannelMismatch` when the batch norm's channel
    ///   count is not `outChannels`.
    public func folding(_ batchNorm: BatchNorm2d) throws -> Conv2d {
        precondition(activation == .none && !fusedMaxPool, "fold batch norms before fusing activations or pools")
        guard batchNorm.channels == outChannels else {
            throw LayerConfigurationError.batchNormChannelMismatch(
                convolutionOutChannels: outChannels, batchNormChannels: batchNorm.channels
            )
        }
        let perChannel = weight.count / outChannels
        var weights = weight.array
        var biases: [Float] = []
        for o in 0..<outChannels {
            let scale = batchNorm.scaleValues[o]
            for i in o * perChannel..<(o + 1) * perChannel {
                weights[i] = Float(Double(weights[i]) * scale)
            }
            let original = bias.map { Double($0.pointer[o]) } ?? 0
            biases.append(Float(original * scale + batchNorm.shiftValues[o]))
        }
        return try Conv2d(
            weight: Tensor(shape: weight.shape, values: weights),
            bias: Tensor(shape: Shape(outChannels), values: biases),
            stride: stride,
            padding: padding,
            dilation: dilation,
            groups: groups,
            border: border,
            activation: activation
        )
    }

    /// The same convolution with `activation` applied to each output tile as it is computed —
    /// equal to this layer followed by the activation layer, without a second pass over memory.
    public func fusing(_ activation: ConvolutionActivation) throws -> Conv2d {
        precondition(self.activation == .none, "the convolution already has an activation")
        precondition(!fusedMaxPool, "fuse the activation before the pool")
        return try Conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                          groups: groups, border: border, activation: activation)
    }

    /// The same convolution (and activation) followed by a 2×2, stride-2 max pool without
    /// padding, floor mode: equal to this layer then `MaxPool2d(kernel: (2, 2))`, but each tile is
    /// pooled while it is in cache, so the full-size output is never written.
    public func fusingMaxPool() throws -> Conv2d {
        precondition(!fusedMaxPool, "the convolution is already pooled")
        return try Conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                          groups: groups, border: border, activation: activation, fusedMaxPool: true)
    }
}
