import ConvoyTensor

/// A 2-D transposed convolution with fixed weights, as ONNX `ConvTranspose` (explicit `pads`,
/// `output_padding`, `dilations`, `group`, `strides`; the importer turns `auto_pad` and
/// `output_shape` into pads) and PyTorch's `nn.ConvTranspose2d`: the adjoint of `Conv2d`, each
/// input sample spreading a weighted copy of the kernel over the output.
///
///     output[n, g·M + o, iy·sy + i·dy − padTop, ix·sx + j·dx − padLeft]
///         += input[n, c, iy, ix] · weight[c, o, i, j]           (c in group g, M = outChannels / groups)
///     output[n, p, y, x] += bias[p]
///
/// Shapes (see `ConvTranspose2dGeometry` for the output-size formula):
/// - input:  `[batch, inChannels, height, width]`
/// - weight: `[inChannels, outChannels / groups, kernelHeight, kernelWidth]` (ONNX and PyTorch
///   order, input channels first)
/// - bias:   `[outChannels]`
/// - output: `[batch, outChannels, outputHeight, outputWidth]`
///
/// Computed as GEMM + col2im: for each image, group and block of output channels, tiles of input
/// positions are multiplied into im2col-shaped columns in the context's workspace,
///
///     C[(M_block · kh · kw) × tileN] = Aᵀ · B
///
/// with A the group's weight, row-major `[inChannels / groups × M · kh · kw]` used transposed
/// (`lda = M · kh · kw`, offset to the block), B the group's input channels `[inChannels / groups
/// × H · W]` from the tile's first position (`ldb = H · W`), C the workspace (`ldc = tileN`);
/// then `Col2im.accumulate` adds the columns onto the output (or onto a full-size scratch image
/// that is cropped, when the pads are not of the usual symmetric kind; see
/// `ConvTranspose2dGeometry.scattersIntoOutput`). The layer keeps (does not copy) the weight and
/// bias tensors.
public final class ConvTranspose2d: Layer {
    /// `[inChannels, outChannels / groups, kernelHeight, kernelWidth]`.
    public let weight: Tensor
    /// `[outChannels]`, or `nil`.
    public let bias: Tensor?
    public let stride: (y: Int, x: Int)
    /// Rows and columns removed from each side of the full result (ONNX `pads`
    /// `[top, left, bottom, right]`).
    public let pads: (top: Int, left: Int, bottom: Int, right: Int)
    /// Rows and columns added at the bottom and right (ONNX `output_padding`).
    public let outputPadding: (y: Int, x: Int)
    public let dilation: (y: Int, x: Int)
    public let groups: Int

    /// Creates the layer, checking its weights and settings.
    ///
    /// - Throws: `LayerConfigurationError` when the weight is not rank 4 or has an empty axis,
    ///   its input channels are not divisible by `groups`, the bias is not `[outChannels]`,
    ///   stride, dilation or groups are below 1, a pad or output padding is negative, or any of
    ///   them is beyond any real network (more than 2^20).
    public init(weight: Tensor, bias: Tensor?, stride: (y: Int, x: Int) = (1, 1),
                pads: (top: Int, left: Int, bottom: Int, right: Int) = (0, 0, 0, 0),
                outputPadding: (y: Int, x: Int) = (0, 0), dilation: (y: Int, x: Int) = (1, 1), groups: Int = 1) throws {
        try LayerConfigurationError.checkKernel(weight, groups: groups)
        guard weight.shape[0] % groups == 0 else {
            throw LayerConfigurationError.channelsNotDivisible(channels: weight.shape[0], divisor: groups)
        }
        try LayerConfigurationError.checkBias(bias, channels: weight.shape[1] * groups)
        try LayerConfigurationError.checkSteps(stride: stride, dilation: dilation)
        guard min(pads.top, pads.bottom) >= 0 && min(pads.left, pads.right) >= 0 else {
            throw LayerConfigurationError.negativePadding(y: min(pads.top, pads.bottom), x: min(pads.left, pads.right))
        }
        guard outputPadding.y >= 0 && outputPadding.x >= 0 else {
            throw LayerConfigurationError.negativePadding(y: outputPadding.y, x: outputPadding.x)
        }
        let sizes = [("stride", stride.y), ("stride", stride.x), ("dilation", dilation.y), ("dilation", dilation.x),
                     ("pad", pads.top), ("pad", pads.left), ("pad", pads.bottom), ("pad", pads.right),
                     ("output padding", outputPadding.y), ("output padding", outputPadding.x), ("groups", groups)]
        for (name, value) in sizes {
            try OutputSize.check("transposed convolution \(name)", value)
        }
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.pads = pads
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
    }

    /// Input channels the layer expects (`weight.shape[0]`).
    public var inChannels: Int { weight.shape[0] }
    /// Output channels (`weight.shape[1] * groups`).
    public var outChannels: Int { weight.shape[1] * groups }

    /// The geometry for an input of shape `input`.
    ///
    /// - Precondition: rank 4 with `inChannels` channels, pads that leave an output.
    public func geometry(for input: Shape) -> ConvTranspose2dGeometry {
        precondition(input.rank == 4 && input.c == inChannels, "ConvTranspose2d expects [N, \(inChannels), H, W], got \(input)")
        return ConvTranspose2dGeometry(
            batch: input.n, inChannels: input.c, inputHeight: input.h, inputWidth: input.w, outChannels: outChannels,
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], strideY: stride.y, strideX: stride.x,
            padTop: pads.top, padBottom: pads.bottom, padLeft: pads.left, padRight: pads.right,
            outputPaddingY: outputPadding.y, outputPaddingX: outputPadding.x, dilationY: dilation.y, dilationX: dilation.x,
            groups: groups
        )
    }

    /// `[batch, outChannels, outputHeight, outputWidth]`.
    public func outputShape(for input: Shape) -> Shape {
        geometry(for: input).outputShape
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4, has the wrong channel count or
    /// an empty plane, or the pads leave no output.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c == inChannels else {
            throw LayerConfigurationError.inputChannelMismatch(expected: inChannels, actual: input.c)
        }
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let height = ConvTranspose2dGeometry.outputExtent(input: input.h, stride: stride.y, dilation: dilation.y, kernel: kh,
                                                          padBegin: pads.top, padEnd: pads.bottom, outputPadding: outputPadding.y)
        let width = ConvTranspose2dGeometry.outputExtent(input: input.w, stride: stride.x, dilation: dilation.x, kernel: kw,
                                                         padBegin: pads.left, padEnd: pads.right, outputPadding: outputPadding.x)
        guard input.h >= 1, input.w >= 1, height >= 1, width >= 1 else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: kh, kernelWidth: kw)
        }
        _ = try OutputSize.shape([input.n, outChannels, height, width], input: input)
        return outputShape(for: input)
    }

    /// Computes the transposed convolution into `output`, which must not share storage with
    /// `input` or the weight.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let geometry = geometry(for: input.shape)
        precondition(output.shape == geometry.outputShape, "ConvTranspose2d output \(output.shape) must be \(geometry.outputShape)")
        precondition(output.storage !== input.storage && output.storage !== weight.storage, "ConvTranspose2d cannot run in place")
        let (kh, kw) = (geometry.kernelHeight, geometry.kernelWidth)
        let (perGroupIn, perGroupOut) = (geometry.inChannelsPerGroup, geometry.outChannelsPerGroup)
        let positions = geometry.inputHeight * geometry.inputWidth
        let direct = geometry.scattersIntoOutput
        let scatterPlane = direct ? geometry.outputHeight * geometry.outputWidth : geometry.fullHeight * geometry.fullWidth
        let outputPlane = geometry.outputHeight * geometry.outputWidth
        // Blocks of output channels let workers share one image of one group.
        let images = geometry.batch * groups
        let workers = output.count * kh * kw >= ExecutionContext.minimumParallelElements ? context.workspaces.count : 1
        let blocks = images >= workers ? 1 : min(perGroupOut, (workers + images - 1) / images)
        let blockSize = (perGroupOut + blocks - 1) / blocks
        let tasks = images * blocks
        let (source, weights, destination) = (UnsafePointer(input.pointer), UnsafePointer(weight.pointer), output.pointer)
        let gemm = context.gemm
        let workspaces = context.workspaces
        let threads = min(workers, tasks)
        TaskQueue.run(tasks: tasks, workers: threads, prepare: { _ in if threads > 1 { gemm.prepareWorkerThread() } }) { worker, task in
            let block = task % blocks
            let group = (task / blocks) % groups
            let n = task / (blocks * groups)
            let first = block * blockSize
            let channels = min(blockSize, perGroupOut - first)
            guard channels > 0 else { return }
            let scatter = geometry.scatterGeometry(channels: channels)
            let rows = channels * kh * kw
            let tile = workspaces[worker].columnsPerTile(rows: rows, columns: positions)
            let buffer = workspaces[worker].floats(rows * tile + (direct ? 0 : channels * scatterPlane))
            let outputChannel = group * perGroupOut + first
            let outputBlock = destination + (n * geometry.outChannels + outputChannel) * outputPlane
            let target = direct ? outputBlock : buffer + rows * tile
            target.update(repeating: 0, count: channels * scatterPlane)
            let groupInput = source + (n * geometry.inChannels + group * perGroupIn) * positions
            let groupWeight = weights + group * perGroupIn * perGroupOut * kh * kw + first * kh * kw
            var start = 0
            while start < positions {
                let count = min(tile, positions - start)
                // Row-major: A [perGroupIn × rows] weights used transposed, B [perGroupIn × count]
                // input positions, C [rows × count] columns.
                gemm.multiply(transposeA: true, transposeB: false, m: rows, n: count, k: perGroupIn, alpha: 1,
                              a: groupWeight, lda: perGroupOut * kh * kw, b: groupInput + start, ldb: positions,
                              beta: 0, c: buffer, ldc: count)
                Col2im.accumulate(geometry: scatter, columns: buffer, group: 0, columnStart: start, columnCount: count, into: target)
                start += count
            }
            if !direct {
                crop(target, into: outputBlock, channels: channels, geometry: geometry)
            }
            Convolution.finishTile(outputBlock, rows: channels, rowStride: outputPlane, count: outputPlane, bias: bias,
                                   firstChannel: outputChannel, activation: .none)
        }
    }

    /// Copies the part of the full `fullHeight × fullWidth` result that the pads keep into the
    /// output planes, with zeros where the output padding reaches past it.
    private func crop(_ full: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, channels: Int, geometry: ConvTranspose2dGeometry) {
        let (fullHeight, fullWidth) = (geometry.fullHeight, geometry.fullWidth)
        let (height, width) = (geometry.outputHeight, geometry.outputWidth)
        let columns = min(geometry.padLeft, fullWidth)..<min(geometry.padLeft + width, fullWidth)
        for c in 0..<channels {
            for y in 0..<height {
                let line = output + (c * height + y) * width
                let row = y + geometry.padTop
                guard row < fullHeight, !columns.isEmpty else {
                    line.update(repeating: 0, count: width)
                    continue
                }
                line.update(from: full + (c * fullHeight + row) * fullWidth + columns.lowerBound, count: columns.count)
                (line + columns.count).update(repeating: 0, count: width - columns.count)
            }
        }
    }
}
