/// The layer types a model file may name (`type:`), with the keys each one takes besides `name`,
/// `type` and `input`/`inputs`.
public enum ModelLayerType: String, CaseIterable, Sendable {
    case conv2d
    case relu
    case leakyReLU = "leaky_relu"
    case prelu
    case sigmoid
    case tanh
    case maxPool = "maxpool"
    case avgPool = "avgpool"
    case globalAvgPool = "global_avgpool"
    case batchNorm = "batchnorm"
    case upsample
    case pixelShuffle = "pixel_shuffle"
    case softmax
    case concat
    case add

    /// Whether the layer combines two or more inputs (`inputs:`), rather than reading one.
    public var isMerge: Bool {
        self == .concat || self == .add
    }

    /// The keys a layer of this type takes, the common ones first.
    public var keys: [String] {
        let common = ["name", "type", isMerge ? "inputs" : "input"]
        switch self {
        case .conv2d:
            return common + ["in", "out", "kernel", "stride", "padding", "dilation", "groups", "bias", "padding_mode"]
        case .leakyReLU:
            return common + ["negative_slope"]
        case .prelu:
            return common + ["channels"]
        case .maxPool:
            return common + ["kernel", "stride", "padding", "ceil_mode"]
        case .avgPool:
            return common + ["kernel", "stride", "padding", "ceil_mode", "count_include_pad"]
        case .batchNorm:
            return common + ["channels", "eps"]
        case .upsample:
            return common + ["scale", "mode", "align_corners"]
        case .pixelShuffle:
            return common + ["factor"]
        case .relu, .sigmoid, .tanh, .globalAvgPool, .softmax, .concat, .add:
            return common
        }
    }
}
