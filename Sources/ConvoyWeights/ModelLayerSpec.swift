import ConvoyNN
import ConvoyTensor

/// One entry of a model file's `layers:` list: a name, what the layer reads, and its operation.
///
/// ```yaml
/// - {name: conv1, type: conv2d, in: 3, out: 16, kernel: 3, padding: 1}
/// - {name: merged, type: concat, inputs: [pool1, conv2]}
/// ```
///
/// Keys are checked strictly per type (`ModelLayerType.keys`); settings are checked for range
/// here, and against the other layers (names, inputs, channels) by `ModelSpec`.
public struct ModelLayerSpec: Equatable, Sendable {
    /// Largest channel count accepted for `in`, `out`, `channels`.
    public static let maximumChannels = 65_536
    /// Largest kernel, stride, padding or dilation accepted.
    public static let maximumWindow = 1_024
    /// Largest upsampling scale or pixel-shuffle factor accepted.
    public static let maximumFactor = 64

    /// The layer's name: unique, and the prefix of its tensors (`<name>.weight`), so it may hold
    /// dots (`features.0`) as PyTorch state-dict keys do.
    public var name: String
    /// The names of the tensors the layer reads (`input:` or `inputs:`), or nil for the previous
    /// layer's output (the model input for the first layer).
    public var inputs: [String]?
    /// What the layer computes.
    public var operation: ModelLayerOperation

    /// A layer made in code (files are read with `ModelSpec.parse`).
    public init(name: String, inputs: [String]?, operation: ModelLayerOperation) {
        self.name = name
        self.inputs = inputs
        self.operation = operation
    }

    /// The layer's type.
    public var type: ModelLayerType { operation.type }
}

extension ModelLayerSpec: Decodable {
    /// Decodes one `layers:` entry from YAML (through Yams), checking its keys and values; throws
    /// an issue that `ModelSpec.parse` reports as a `ModelError`.
    public init(from decoder: Decoder) throws {
        let index = decoder.codingPath.last?.intValue
        var fields = try YAMLMapping(decoder, place: index.map { "layers[\($0)]" } ?? "a layer")
        let name = try fields.string("name")
        guard !name.isEmpty else {
            throw ModelSpecIssue(.badValue(place: fields.place, key: "name", reason: "must not be empty"))
        }
        fields.place = "layer \(MessageText.quote(name))"
        let typeName = try fields.string("type")
        guard let type = ModelLayerType(rawValue: typeName) else {
            throw ModelSpecIssue(.unknownLayerType(layer: name, type: typeName))
        }
        try fields.checkKeys(type.keys)

        if type.isMerge {
            let inputs = try fields.strings("inputs")
            guard inputs.count >= 2 else {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "inputs", reason: "must name at least two layers, got \(inputs.count)"))
            }
            self.inputs = inputs
        } else {
            self.inputs = fields.contains("input") ? [try fields.string("input")] : nil
        }
        self.name = name
        operation = try Self.operation(type, fields)
    }

    private static func operation(_ type: ModelLayerType, _ fields: YAMLMapping) throws -> ModelLayerOperation {
        let channels = 1...maximumChannels
        let window = 1...maximumWindow
        switch type {
        case .conv2d:
            return try convolution(fields)
        case .relu:
            return .relu
        case .leakyReLU:
            return .leakyReLU(negativeSlope: Float(try fields.number("negative_slope", default: 0.01)))
        case .prelu:
            return .prelu(channels: try fields.integer("channels", default: 1, in: channels))
        case .sigmoid:
            return .sigmoid
        case .tanh:
            return .tanh
        case .maxPool, .avgPool:
            let kernel = try fields.pair("kernel", in: window)
            let stride = try fields.pair("stride", default: kernel, in: window)
            let padding = try fields.pair("padding", default: SpatialPair(0), in: 0...maximumWindow)
            guard padding.y <= kernel.y / 2, padding.x <= kernel.x / 2 else {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "padding", reason: "must be at most half the kernel (\(kernel)), got \(padding)"))
            }
            let ceilMode = try fields.bool("ceil_mode", default: false)
            if type == .maxPool {
                return .maxPool(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)
            }
            return .avgPool(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
                            countIncludePad: try fields.bool("count_include_pad", default: true))
        case .globalAvgPool:
            return .globalAvgPool
        case .batchNorm:
            let eps = try fields.number("eps", default: 1e-5)
            guard eps >= 0 else {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "eps", reason: "must be at least 0, got \(eps)"))
            }
            return .batchNorm(channels: try fields.integer("channels", in: channels), eps: Float(eps))
        case .upsample:
            let scale = try fields.pair("scale", in: 1...maximumFactor)
            let modeName = try fields.string("mode", default: UpsampleMode.nearest.rawValue)
            guard let mode = UpsampleMode(rawValue: modeName) else {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "mode", reason:
                    "must be \(UpsampleMode.allCases.map(\.rawValue).joined(separator: " or ")), got \(MessageText.quote(modeName))"))
            }
            let alignCorners = try fields.bool("align_corners", default: false)
            if alignCorners && mode == .nearest {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "align_corners", reason: "applies only to mode bilinear"))
            }
            return .upsample(scale: scale, mode: mode, alignCorners: alignCorners)
        case .pixelShuffle:
            return .pixelShuffle(factor: try fields.integer("factor", in: 1...maximumFactor))
        case .softmax:
            return .softmax
        case .concat:
            return .concat
        case .add:
            return .add
        }
    }

    private static func convolution(_ fields: YAMLMapping) throws -> ModelLayerOperation {
        let inChannels = try fields.integer("in", in: 1...maximumChannels)
        let outChannels = try fields.integer("out", in: 1...maximumChannels)
        let kernel = try fields.pair("kernel", in: 1...maximumWindow)
        let stride = try fields.pair("stride", default: SpatialPair(1), in: 1...maximumWindow)
        let dilation = try fields.pair("dilation", default: SpatialPair(1), in: 1...maximumWindow)
        let groups = try fields.integer("groups", default: 1, in: 1...maximumChannels)
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw ModelSpecIssue(.badValue(place: fields.place, key: "groups", reason:
                "must divide both in (\(inChannels)) and out (\(outChannels)), got \(groups)"))
        }
        let padding: SpatialPair
        if let word = try? fields.string("padding"), word == "same" || word == "valid" {
            if word == "valid" {
                padding = SpatialPair(0)
            } else {
                // PyTorch's padding="same" for stride 1; only the symmetric case is supported.
                let totalY = dilation.y * (kernel.y - 1)
                let totalX = dilation.x * (kernel.x - 1)
                guard stride == SpatialPair(1) else {
                    throw ModelSpecIssue(.badValue(place: fields.place, key: "padding", reason: "\"same\" needs stride 1"))
                }
                guard totalY % 2 == 0, totalX % 2 == 0 else {
                    throw ModelSpecIssue(.badValue(place: fields.place, key: "padding", reason:
                        "\"same\" needs an odd (dilated) kernel here, as Convoy pads both sides equally"))
                }
                padding = SpatialPair(y: totalY / 2, x: totalX / 2)
            }
        } else {
            padding = try fields.pair("padding", default: SpatialPair(0), in: 0...maximumWindow)
        }
        let bias = try fields.bool("bias", default: true)
        let modeName = try fields.string("padding_mode", default: "zeros")
        let border: BorderMode
        switch modeName {
        case "zeros": border = .zero
        case "reflect": border = .reflect
        case "replicate": border = .replicate
        default:
            throw ModelSpecIssue(.badValue(place: fields.place, key: "padding_mode", reason:
                "must be zeros, reflect or replicate, got \(MessageText.quote(modeName))"))
        }
        return .conv2d(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                       padding: padding, dilation: dilation, groups: groups, bias: bias, border: border)
    }
}
