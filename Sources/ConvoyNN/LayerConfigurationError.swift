import ConvoyTensor

/// A layer's weights or settings, or the input it is given, do not make a valid layer.
///
/// Thrown when weights come from outside (files, user kernels, pipeline specs), with a one-line
/// description naming what is wrong.
public enum LayerConfigurationError: Error, CustomStringConvertible, Equatable {
    /// A convolution weight must be `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`.
    case weightNotRank4(Shape)
    /// Every axis of a convolution weight must be at least 1.
    case emptyWeight(Shape)
    /// `groups` must be at least 1.
    case nonPositiveGroups(Int)
    /// The weight's output channels (axis 0) must be divisible by `groups`.
    case outChannelsNotDivisibleByGroups(outChannels: Int, groups: Int)
    /// The bias must be `[outChannels]`.
    case biasShapeMismatch(expected: Shape, actual: Shape)
    /// Stride must be at least 1 on both axes.
    case nonPositiveStride(y: Int, x: Int)
    /// Dilation must be at least 1 on both axes.
    case nonPositiveDilation(y: Int, x: Int)
    /// Padding must be at least 0 on both axes.
    case negativePadding(y: Int, x: Int)
    /// Layers take `[batch, channels, height, width]` inputs.
    case inputNotRank4(Shape)
    /// The input's channel count is not what the layer expects.
    case inputChannelMismatch(expected: Int, actual: Int)
    /// The input (after padding) is smaller than the dilated kernel.
    case inputTooSmall(input: Shape, kernelHeight: Int, kernelWidth: Int)
    /// A layer that pairs channels got an odd channel count.
    case oddChannelCount(Int)
    /// A pooling kernel must be at least 1×1.
    case nonPositiveKernel(y: Int, x: Int)
    /// Pooling padding may be at most half the kernel on each axis (PyTorch's rule).
    case poolingPaddingTooLarge(paddingY: Int, paddingX: Int, kernelHeight: Int, kernelWidth: Int)
    /// An average pooling divisor override must be at least 1.
    case nonPositiveDivisor(Int)
    /// A per-channel parameter must be a non-empty vector (rank 1).
    case parameterNotVector(name: String, shape: Shape)
    /// A parameter does not have the shape its companions imply.
    case parameterShapeMismatch(name: String, expected: Shape, actual: Shape)
    /// Element `index` of a parameter breaks `requirement` (for instance a zero standard
    /// deviation, or a NaN).
    case invalidParameter(name: String, index: Int, value: Float, requirement: String)
    /// Folding a batch norm into a convolution needs one batch-norm channel per output channel.
    case batchNormChannelMismatch(convolutionOutChannels: Int, batchNormChannels: Int)
    /// An upsampling scale must be at least 1 on both axes.
    case nonPositiveScale(y: Int, x: Int)
    /// A pixel-shuffle upscale factor must be at least 1.
    case nonPositiveUpscaleFactor(Int)
    /// The input's channel count must be a multiple of `divisor` (pixel shuffle: `r²`).
    case channelsNotDivisible(channels: Int, divisor: Int)
    /// A merge layer needs at least `minimum` inputs.
    case tooFewInputs(minimum: Int, actual: Int)
    /// Input `index` of a merge layer does not fit input 0 (different batch or size, or rank).
    case mergeShapeMismatch(first: Shape, index: Int, shape: Shape)
    /// A merge layer takes exactly `expected` inputs.
    case inputCountMismatch(expected: Int, actual: Int)
    /// Two shapes do not broadcast (numpy rules), or a constant would enlarge its input.
    case notBroadcastable(Shape, Shape)
    /// A constant operand must be a rank-4 tensor with no empty axis.
    case constantNotRank4(Shape)
    /// Negative pads take a whole axis (or more) of the input; `begin` and `end` are the
    /// channel, row and column pads.
    case padsEmptyOutput(input: Shape, begin: [Int], end: [Int])
    /// A block size (depth-to-space, space-to-depth) or group count must be at least 1.
    case nonPositiveBlockSize(Int)
    /// The input's height and width must be multiples of `divisor` (space-to-depth block size).
    case sizeNotDivisible(height: Int, width: Int, divisor: Int)
    /// A fully connected weight must be `[outFeatures, inFeatures]` with no empty axis.
    case weightNotRank2(Shape)
    /// Resize scales must be positive and finite.
    case invalidResizeScale(y: Float, x: Float)
    /// A resize leaves no output row or column.
    case emptyResize(input: Shape, height: Int, width: Int)
    /// A local response normalisation window must span at least one channel.
    case nonPositiveWindow(Int)
    /// A size parameter from a model file is beyond any real network (a malformed file).
    case parameterOutOfRange(name: String, value: Int, limit: Int)
    /// The layer's output for this input would hold more elements than any machine could.
    case outputTooLarge(input: Shape, output: [Int])

    /// One line naming what is wrong.
    public var description: String {
        switch self {
        case .weightNotRank4(let shape):
            return "convolution weight must be rank 4 [outChannels, inChannels/groups, kernelHeight, kernelWidth], got \(shape)"
        case .emptyWeight(let shape):
            return "convolution weight has an empty axis: \(shape)"
        case .nonPositiveGroups(let groups):
            return "groups must be at least 1, got \(groups)"
        case .outChannelsNotDivisibleByGroups(let outChannels, let groups):
            return "output channels \(outChannels) are not divisible by groups \(groups)"
        case .biasShapeMismatch(let expected, let actual):
            return "bias must have shape \(expected), got \(actual)"
        case .nonPositiveStride(let y, let x):
            return "stride must be at least 1, got (y: \(y), x: \(x))"
        case .nonPositiveDilation(let y, let x):
            return "dilation must be at least 1, got (y: \(y), x: \(x))"
        case .negativePadding(let y, let x):
            return "padding must be at least 0, got (y: \(y), x: \(x))"
        case .inputNotRank4(let shape):
            return "layer input must be rank 4 [batch, channels, height, width], got \(shape)"
        case .inputChannelMismatch(let expected, let actual):
            return "layer expects \(expected) input channels, got \(actual)"
        case .inputTooSmall(let input, let kernelHeight, let kernelWidth):
            return "input \(input) is smaller than the \(kernelHeight)x\(kernelWidth) (dilated) kernel after padding"
        case .oddChannelCount(let channels):
            return "channel-pair layer needs an even channel count, got \(channels)"
        case .nonPositiveKernel(let y, let x):
            return "pooling kernel must be at least 1x1, got (y: \(y), x: \(x))"
        case .poolingPaddingTooLarge(let paddingY, let paddingX, let kernelHeight, let kernelWidth):
            return "pooling padding (y: \(paddingY), x: \(paddingX)) must be at most half the \(kernelHeight)x\(kernelWidth) kernel"
        case .nonPositiveDivisor(let divisor):
            return "pooling divisor must be at least 1, got \(divisor)"
        case .parameterNotVector(let name, let shape):
            return "\(name) must be a non-empty vector [channels], got \(shape)"
        case .parameterShapeMismatch(let name, let expected, let actual):
            return "\(name) must have shape \(expected), got \(actual)"
        case .invalidParameter(let name, let index, let value, let requirement):
            return "\(name)[\(index)] = \(value) must be \(requirement)"
        case .batchNormChannelMismatch(let convolutionOutChannels, let batchNormChannels):
            return "cannot fold a \(batchNormChannels)-channel batch norm into a convolution with \(convolutionOutChannels) output channels"
        case .nonPositiveScale(let y, let x):
            return "upsampling scale must be at least 1, got (y: \(y), x: \(x))"
        case .nonPositiveUpscaleFactor(let factor):
            return "pixel shuffle upscale factor must be at least 1, got \(factor)"
        case .channelsNotDivisible(let channels, let divisor):
            return "input channels \(channels) are not divisible by \(divisor)"
        case .tooFewInputs(let minimum, let actual):
            return "merge layer needs at least \(minimum) inputs, got \(actual)"
        case .mergeShapeMismatch(let first, let index, let shape):
            return "merge input \(index) has shape \(shape), which does not fit input 0 \(first)"
        case .inputCountMismatch(let expected, let actual):
            return "layer takes exactly \(expected) inputs, got \(actual)"
        case .notBroadcastable(let first, let second):
            return "shapes \(first) and \(second) do not broadcast (numpy rules; a constant must not enlarge its input)"
        case .constantNotRank4(let shape):
            return "constant operand must be rank 4 [N, C, H, W] with no empty axis, got \(shape)"
        case .padsEmptyOutput(let input, let begin, let end):
            return "pads (channels, rows, columns) begin \(begin), end \(end) remove all of an axis of \(input)"
        case .nonPositiveBlockSize(let size):
            return "block size must be at least 1, got \(size)"
        case .sizeNotDivisible(let height, let width, let divisor):
            return "input height \(height) and width \(width) must both be multiples of \(divisor)"
        case .weightNotRank2(let shape):
            return "fully connected weight must be rank 2 [outFeatures, inFeatures] with no empty axis, got \(shape)"
        case .invalidResizeScale(let y, let x):
            return "resize scales must be positive and finite, got (y: \(y), x: \(x))"
        case .emptyResize(let input, let height, let width):
            return "resizing \(input) to \(height)x\(width) leaves no output"
        case .nonPositiveWindow(let size):
            return "local response normalisation size must be at least 1, got \(size)"
        case .parameterOutOfRange(let name, let value, let limit):
            return "\(name) \(value) is out of range (at most \(limit) in magnitude)"
        case .outputTooLarge(let input, let output):
            return "layer output \(output) for input \(input) is too large"
        }
    }
}

extension LayerConfigurationError {
    /// The checks a convolution's and a transposed convolution's weight share: rank 4, no empty
    /// axis, and at least one group.
    static func checkKernel(_ weight: Tensor, groups: Int) throws {
        guard weight.shape.rank == 4 else {
            throw LayerConfigurationError.weightNotRank4(weight.shape)
        }
        guard weight.shape.dims.allSatisfy({ $0 >= 1 }) else {
            throw LayerConfigurationError.emptyWeight(weight.shape)
        }
        guard groups >= 1 else {
            throw LayerConfigurationError.nonPositiveGroups(groups)
        }
    }

    /// A bias, when given, must be `[channels]`.
    static func checkBias(_ bias: Tensor?, channels: Int) throws {
        if let bias, bias.shape != Shape(channels) {
            throw LayerConfigurationError.biasShapeMismatch(expected: Shape(channels), actual: bias.shape)
        }
    }

    /// Strides and dilations must be at least 1.
    static func checkSteps(stride: (y: Int, x: Int), dilation: (y: Int, x: Int)) throws {
        guard stride.y >= 1 && stride.x >= 1 else {
            throw LayerConfigurationError.nonPositiveStride(y: stride.y, x: stride.x)
        }
        guard dilation.y >= 1 && dilation.x >= 1 else {
            throw LayerConfigurationError.nonPositiveDilation(y: dilation.y, x: dilation.x)
        }
    }
}
