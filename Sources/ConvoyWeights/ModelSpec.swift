import ConvoyNN
import ConvoyTensor
import Foundation
import Yams

/// A model's architecture, read from a YAML file; its weights live in a safetensors file beside
/// it (see `ModelLoader`).
///
/// ```yaml
/// # A small feature extractor with two heads.
/// input:
///   channels: 3          # 3 = RGB frames, 1 = luma
///   scale: 255           # pixels are divided by this first (8-bit values); default 255
///   mean: [0.485, 0.456, 0.406]   # optional, torchvision Normalize (per channel or one value)
///   std: [0.229, 0.224, 0.225]
/// weights: trunk.safetensors      # optional; default: this file's name with .safetensors
/// precision: bf16        # optional: fp32 (default), bf16 or bf16-only (see NetworkPrecision)
/// layers:                # in order; each reads the previous layer unless input/inputs says otherwise
///   - {name: conv1, type: conv2d, in: 3, out: 16, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1, bias: true}
///   - {name: bn1, type: batchnorm, channels: 16, eps: 1.0e-5}   # folded into conv1 at load
///   - {name: act1, type: relu}
///   - {name: pool1, type: maxpool, kernel: 2, stride: 2, padding: 0, ceil_mode: false}
///   - {name: prob, type: conv2d, input: act1, in: 16, out: 1, kernel: 1}
///   - {name: merged, type: concat, inputs: [pool1, pool1]}
/// outputs: [prob, pool1]
/// ```
///
/// Top-level keys: `input` (required, see `ModelInputSpec`), `layers` (required, non-empty),
/// `outputs` (required, non-empty list of layer names), `weights` (optional path, relative to
/// the YAML file), `precision` (optional: what the convolutions compute in, `fp32`, `bf16` or
/// `bf16-only`; `--precision` overrides it). Every mapping rejects keys it does not know.
///
/// Layers (`ModelLayerType`; keys besides `name`, `type` and `input`, defaults as PyTorch's):
///
/// | type | keys | tensors |
/// |---|---|---|
/// | `conv2d` | `in`, `out`, `kernel` (required); `stride` 1, `padding` 0 (or `same`/`valid`), `dilation` 1, `groups` 1, `bias` true, `padding_mode` zeros (or reflect, replicate) | `.weight` `[out, in/groups, kh, kw]`, `.bias` `[out]` |
/// | `relu`, `sigmoid`, `tanh`, `softmax` (over channels), `global_avgpool` | — | — |
/// | `leaky_relu` | `negative_slope` 0.01 | — |
/// | `prelu` | `channels` 1 (1 = shared slope, or the input's channels) | `.weight` `[channels]` |
/// | `maxpool` | `kernel` (required); `stride` = kernel, `padding` 0 (≤ kernel/2), `ceil_mode` false | — |
/// | `avgpool` | as maxpool, and `count_include_pad` true | — |
/// | `batchnorm` | `channels` (required); `eps` 1e-5 | `.weight`, `.bias`, `.running_mean`, `.running_var` `[channels]`; `.num_batches_tracked` ignored |
/// | `upsample` | `scale` (required, integer or [y, x]); `mode` nearest (or bilinear); `align_corners` false | — |
/// | `pixel_shuffle` | `factor` (required) | — |
/// | `concat`, `add` | `inputs` (required, two or more names) | — |
///
/// `kernel`, `stride`, `padding`, `dilation` and `scale` take one integer or `[y, x]`. A layer
/// reads `input:` (one name) — `input` is the normalised model input — or, for `concat` and
/// `add`, `inputs:`; names must be layers defined earlier, so the file lists layers in an order
/// they can run in. Tensor names are PyTorch state-dict keys `<name>.weight`, `<name>.bias`, so
/// a `safetensors.torch.save_file(model.state_dict(), …)` file loads as it is when the layer
/// names are the module names (`features.0`).
///
/// Decoding (`parse`) checks everything the file alone can tell: keys, types, ranges, unique
/// names, inputs defined earlier, outputs that exist, and that channel counts chain (a
/// convolution's `in` equals its input's channels, and so on). Refinements over the first draft
/// of the format: `weights:`, conv `padding: same|valid` and `padding_mode`.
public struct ModelSpec: Equatable, Sendable {
    /// How pixels become the model input.
    public var input: ModelInputSpec
    /// The layers, in an order they can run in.
    public var layers: [ModelLayerSpec]
    /// The layers whose results the model returns, in order.
    public var outputs: [String]
    /// The weights file named by the model file (relative to it), or nil.
    public var weights: String?
    /// An ONNX graph the model file names instead of `layers`, `outputs` and `weights`
    /// (relative to it): the file is then its `input:` normalisation and that graph.
    public var onnx: String?
    /// What the convolutions compute in (`precision:`), or nil for the default (FP32).
    public var precision: NetworkPrecision?

    /// The top-level keys.
    public static let keys = ["input", "layers", "outputs", "weights", "onnx", "precision"]

    /// Names a layer may not take: the model input, and the node that normalises it.
    public static let reservedNames: Set<String> = [Graph.inputName, LoadedModel.normalizationNodeName]

    /// A spec made in code; `ModelLoader.load(spec:weights:modelName:)` checks it as `parse` would.
    public init(input: ModelInputSpec, layers: [ModelLayerSpec], outputs: [String], weights: String? = nil) {
        self.input = input
        self.layers = layers
        self.outputs = outputs
        self.weights = weights
    }

    /// Reads and checks the model file at `path`.
    ///
    /// - Throws: `ModelError` naming `path`.
    public static func load(path: String) throws -> ModelSpec {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError(path: path, problem: .noSuchFile)
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(path: path, problem: .unreadable(isDirectory.boolValue ? "it is a directory" : "permission denied or I/O error"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelError(path: path, problem: .notYAML("the file is not UTF-8 text"))
        }
        return try parse(text, name: path)
    }

    /// Parses and checks model YAML; `name` stands for the file in messages.
    ///
    /// - Throws: `ModelError` naming `name`.
    public static func parse(_ text: String, name: String) throws -> ModelSpec {
        let spec: ModelSpec
        do {
            spec = try YAMLDecoder().decode(ModelSpec.self, from: text)
        } catch {
            throw ModelError(path: name, problem: problem(for: error))
        }
        do {
            _ = try spec.channelCounts()
        } catch let issue as ModelSpecIssue {
            throw ModelError(path: name, problem: issue.problem)
        }
        return spec
    }

    /// The output channels of every layer (and of `input`), checking names, inputs, outputs and
    /// channel counts.
    func channelCounts() throws -> [String: Int] {
        if onnx != nil {
            return [Graph.inputName: input.channels]
        }
        guard !layers.isEmpty else {
            throw ModelSpecIssue(.noLayers)
        }
        var channels: [String: Int] = [Graph.inputName: input.channels]
        for (index, layer) in layers.enumerated() {
            guard !Self.reservedNames.contains(layer.name) else {
                throw ModelSpecIssue(.reservedName(layer.name))
            }
            guard channels[layer.name] == nil else {
                throw ModelSpecIssue(.duplicateName(layer.name))
            }
            var incoming: [Int] = []
            for source in sources(of: index) {
                guard let count = channels[source] else {
                    throw ModelSpecIssue(.unknownInput(layer: layer.name, input: source))
                }
                incoming.append(count)
            }
            channels[layer.name] = try Self.outputChannels(of: layer, incoming: incoming)
        }
        guard !outputs.isEmpty else {
            throw ModelSpecIssue(.noOutputs)
        }
        var seen: Set<String> = []
        for output in outputs {
            guard output != Graph.inputName, channels[output] != nil else {
                throw ModelSpecIssue(.unknownOutput(output))
            }
            guard seen.insert(output).inserted else {
                throw ModelSpecIssue(.duplicateOutput(output))
            }
        }
        return channels
    }

    /// The names layer `index` reads: its `input`/`inputs`, else the previous layer (or the
    /// model input for the first layer).
    public func sources(of index: Int) -> [String] {
        layers[index].inputs ?? [index == 0 ? Graph.inputName : layers[index - 1].name]
    }

    private static func outputChannels(of layer: ModelLayerSpec, incoming: [Int]) throws -> Int {
        let first = incoming[0]
        switch layer.operation {
        case .conv2d(let inChannels, let outChannels, _, _, _, _, _, _, _):
            guard inChannels == first else {
                throw ModelSpecIssue(.channelMismatch(layer: layer.name, key: "in", declared: inChannels, incoming: first))
            }
            return outChannels
        case .batchNorm(let channels, _):
            guard channels == first else {
                throw ModelSpecIssue(.channelMismatch(layer: layer.name, key: "channels", declared: channels, incoming: first))
            }
            return first
        case .prelu(let channels):
            guard channels == 1 || channels == first else {
                throw ModelSpecIssue(.channelMismatch(layer: layer.name, key: "channels", declared: channels, incoming: first))
            }
            return first
        case .pixelShuffle(let factor):
            guard first % (factor * factor) == 0 else {
                throw ModelSpecIssue(.channelsNotDivisible(layer: layer.name, channels: first, divisor: factor * factor))
            }
            return first / (factor * factor)
        case .concat:
            return incoming.reduce(0, +)
        case .add:
            guard incoming.allSatisfy({ $0 == first }) else {
                throw ModelSpecIssue(.addChannelMismatch(layer: layer.name, channels: incoming))
            }
            return first
        case .relu, .leakyReLU, .sigmoid, .tanh, .maxPool, .avgPool, .globalAvgPool, .upsample, .softmax:
            return first
        }
    }

    /// A `ModelError.Problem` for whatever the YAML decoder threw.
    private static func problem(for error: Error) -> ModelError.Problem {
        if let issue = error as? ModelSpecIssue {
            return issue.problem
        }
        if case DecodingError.dataCorrupted(let context) = error, let underlying = context.underlyingError {
            // Yams wraps errors thrown while decoding, and its own syntax errors, this way.
            if let issue = underlying as? ModelSpecIssue {
                return issue.problem
            }
            return .notYAML(YAMLErrorText.describe(underlying))
        }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return context.codingPath.isEmpty ? .notMapping(place: "the top level") : .notYAML(context.debugDescription)
            case .keyNotFound(let key, _):
                return .missingKey(place: "the top level", key: key.stringValue)
            @unknown default:
                return .notYAML(String(describing: decoding))
            }
        }
        return .notYAML(YAMLErrorText.describe(error))
    }
}

extension ModelSpec: Decodable {
    /// Decodes a model file from YAML (through Yams), checking keys and values; use `parse` or
    /// `load`, which also check names, inputs and channels and name the file in errors.
    public init(from decoder: Decoder) throws {
        let fields = try YAMLMapping(decoder, place: "the top level")
        try fields.checkKeys(Self.keys)
        guard fields.contains("input") else {
            throw ModelSpecIssue(.missingKey(place: fields.place, key: "input"))
        }
        input = try ModelInputSpec(YAMLMapping(in: fields, key: "input", place: "input"))
        if fields.contains("precision") {
            let text = try fields.string("precision")
            guard let precision = NetworkPrecision(rawValue: text) else {
                throw ModelSpecIssue(.badValue(place: fields.place, key: "precision", reason: "is \(text); it takes fp32, bf16 or bf16-only"))
            }
            self.precision = precision
        }
        if fields.contains("onnx") {
            onnx = try fields.string("onnx")
            for key in ["layers", "outputs", "weights"] where fields.contains(key) {
                throw ModelSpecIssue(.badValue(place: fields.place, key: key, reason: "does not go with onnx: (the ONNX graph holds the layers, outputs and weights)"))
            }
            layers = []
            outputs = []
            weights = nil
            return
        }
        var list = try fields.nestedList("layers", expected: "a list of layers")
        var layers: [ModelLayerSpec] = []
        while !list.isAtEnd {
            layers.append(try list.decode(ModelLayerSpec.self))
        }
        self.layers = layers
        outputs = try fields.strings("outputs")
        weights = fields.contains("weights") ? try fields.string("weights") : nil
    }
}
