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
        }
    }
}
