import ConvoyNN
import ConvoyTensor

/// What one layer of a model file computes, with its settings as read and checked (defaults
/// filled in, `padding: same` resolved to numbers). Each case names the PyTorch module it follows.
public enum ModelLayerOperation: Equatable, Sendable {
    /// `nn.Conv2d`: tensors `<name>.weight` `[out, in / groups, kernel.y, kernel.x]` and, with
    /// `bias`, `<name>.bias` `[out]`. `border` is PyTorch's `padding_mode` (`zeros` by default).
    case conv2d(inChannels: Int, outChannels: Int, kernel: SpatialPair, stride: SpatialPair,
                padding: SpatialPair, dilation: SpatialPair, groups: Int, bias: Bool, border: BorderMode)
    /// `nn.ReLU`.
    case relu
    /// `nn.LeakyReLU(negative_slope)`.
    case leakyReLU(negativeSlope: Float)
    /// `nn.PReLU(num_parameters)`: tensor `<name>.weight` `[channels]` (1 = one shared slope).
    case prelu(channels: Int)
    /// `nn.Sigmoid`.
    case sigmoid
    /// `nn.Tanh`.
    case tanh
    /// `nn.MaxPool2d`.
    case maxPool(kernel: SpatialPair, stride: SpatialPair, padding: SpatialPair, ceilMode: Bool)
    /// `nn.AvgPool2d`.
    case avgPool(kernel: SpatialPair, stride: SpatialPair, padding: SpatialPair, ceilMode: Bool, countIncludePad: Bool)
    /// `nn.AdaptiveAvgPool2d(1)`: `[N, C, H, W]` → `[N, C, 1, 1]`.
    case globalAvgPool
    /// `nn.BatchNorm2d` in eval mode: tensors `<name>.weight`, `.bias`, `.running_mean`,
    /// `.running_var`, all `[channels]`; `<name>.num_batches_tracked` is accepted and ignored.
    case batchNorm(channels: Int, eps: Float)
    /// `nn.Upsample(scale_factor, mode, align_corners)` with integer factors.
    case upsample(scale: SpatialPair, mode: UpsampleMode, alignCorners: Bool)
    /// `nn.PixelShuffle(upscale_factor)`.
    case pixelShuffle(factor: Int)
    /// `nn.Softmax(dim=1)`: over the channels of each pixel.
    case softmax
    /// `torch.cat(inputs, dim=1)`.
    case concat
    /// Elementwise sum of the inputs (`a + b + …`).
    case add

    /// The `type:` that names this operation.
    public var type: ModelLayerType {
        switch self {
        case .conv2d: return .conv2d
        case .relu: return .relu
        case .leakyReLU: return .leakyReLU
        case .prelu: return .prelu
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        case .maxPool: return .maxPool
        case .avgPool: return .avgPool
        case .globalAvgPool: return .globalAvgPool
        case .batchNorm: return .batchNorm
        case .upsample: return .upsample
        case .pixelShuffle: return .pixelShuffle
        case .softmax: return .softmax
        case .concat: return .concat
        case .add: return .add
        }
    }
}
