import ConvoyTensor
/// A model (architecture YAML + safetensors weights, or an ONNX file) could not be loaded or run. The description
/// is one line that names the model file and, when relevant, the layer or tensor.
///
/// Problems with the weights file itself (missing, truncated, malformed header) are thrown as
/// `SafeTensorsError`, which names that file instead.
public struct ModelError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// The model file does not exist.
        case noSuchFile
        /// The model file exists but cannot be read; the system's reason.
        case unreadable(String)
        /// The file is not valid YAML; the parser's complaint.
        case notYAML(String)
        /// Something that must be a mapping (the whole file, a layer) is not.
        case notMapping(place: String)
        /// A required key is missing; `place` says where (`the top level`, `input`, `layer "x"`).
        case missingKey(place: String, key: String)
        /// A key is not one the place takes; `known` lists those it takes.
        case unknownKey(place: String, key: String, known: [String])
        /// A value has the wrong YAML type; `expected` says what it must be.
        case wrongType(place: String, key: String, expected: String)
        /// A value is out of range or otherwise unusable; `reason` says what it must be.
        case badValue(place: String, key: String, reason: String)
        /// A layer's `type` is not one Convoy knows.
        case unknownLayerType(layer: String, type: String)
        /// `layers` is empty.
        case noLayers
        /// `outputs` is empty.
        case noOutputs
        /// Two layers have the same name.
        case duplicateName(String)
        /// A layer uses a name reserved for the model input.
        case reservedName(String)
        /// A layer reads a name that is neither `input` nor a layer defined before it.
        case unknownInput(layer: String, input: String)
        /// An output names no layer.
        case unknownOutput(String)
        /// An output is listed twice.
        case duplicateOutput(String)
        /// A layer's declared channel count (`key`) differs from what its input provides.
        case channelMismatch(layer: String, key: String, declared: Int, incoming: Int)
        /// The inputs of an `add` layer have different channel counts.
        case addChannelMismatch(layer: String, channels: [Int])
        /// A `pixel_shuffle` input's channels are not divisible by the factor squared.
        case channelsNotDivisible(layer: String, channels: Int, divisor: Int)
        /// Tensors the layers need are not in the weights file (each listed).
        case missingTensors(weights: String, names: [String])
        /// Tensors in the weights file that no layer uses (each listed).
        case unusedTensors(weights: String, names: [String])
        /// A tensor's shape is not the one the layer needs.
        case tensorShape(weights: String, tensor: String, expected: [Int], found: [Int])
        /// ConvoyNN rejected a layer built from the file (a weight value, a setting).
        case invalidLayer(layer: String, reason: String)
        /// The layers do not make a valid graph, or an input size does not fit it.
        case invalidGraph(String)
        /// An ONNX file is malformed, or holds something Convoy cannot run (every unsupported
        /// operator listed); the reason.
        case onnx(String)
    }

    /// The model (YAML) file, as the caller named it.
    public let path: String
    /// What is wrong.
    public let problem: Problem

    /// An error about the model file at `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// `<path>: <what is wrong>`, on one line.
    public var description: String {
        "\(path): \(problemText)"
    }

    private var problemText: String {
        let q = { MessageText.quote($0) }
        switch problem {
        case .noSuchFile:
            return "no such model file."
        case .unreadable(let reason):
            return "cannot read the model file (\(MessageText.firstLine(reason)))."
        case .notYAML(let reason):
            return "not a valid model file (\(MessageText.firstLine(reason)))."
        case .notMapping(let place):
            return "\(place) must be a mapping of keys to values."
        case .missingKey(let place, let key):
            return "\(place): the key \"\(key)\" is missing."
        case .unknownKey(let place, let key, let known):
            return "\(place): unknown key \(q(key)) (known keys: \(known.joined(separator: ", ")))."
        case .wrongType(let place, let key, let expected):
            return "\(place): \"\(key)\" must be \(expected)."
        case .badValue(let place, let key, let reason):
            return "\(place): \"\(key)\" \(reason)."
        case .unknownLayerType(let layer, let type):
            return "layer \(q(layer)): unknown type \(q(type)) (known types: \(ModelLayerType.allCases.map(\.rawValue).joined(separator: ", ")))."
        case .noLayers:
            return "the model has no layers."
        case .noOutputs:
            return "the model names no outputs."
        case .duplicateName(let name):
            return "two layers are named \(q(name))."
        case .reservedName(let name):
            return "the layer name \(q(name)) is reserved for the model input."
        case .unknownInput(let layer, let input):
            return "layer \(q(layer)) reads \(q(input)), which is neither \"input\" nor a layer defined before it."
        case .unknownOutput(let name):
            return "the output \(q(name)) is not a layer."
        case .duplicateOutput(let name):
            return "the output \(q(name)) is listed twice."
        case .channelMismatch(let layer, let key, let declared, let incoming):
            return "layer \(q(layer)): \(key) is \(declared) but its input has \(incoming) channels."
        case .addChannelMismatch(let layer, let channels):
            return "layer \(q(layer)): add needs inputs with equal channel counts, got \(MessageText.dims(channels))."
        case .channelsNotDivisible(let layer, let channels, let divisor):
            return "layer \(q(layer)): its input's \(channels) channels are not divisible by \(divisor) (factor squared)."
        case .missingTensors(let weights, let names):
            return "\(weights) lacks \(names.count == 1 ? "the tensor" : "\(names.count) tensors") \(MessageText.list(names))."
        case .unusedTensors(let weights, let names):
            return "\(weights) has \(names.count == 1 ? "a tensor" : "\(names.count) tensors") no layer uses: \(MessageText.list(names))."
        case .tensorShape(let weights, let tensor, let expected, let found):
            return "\(weights): tensor \(q(tensor)) has shape \(MessageText.dims(found)), expected \(MessageText.dims(expected))."
        case .invalidLayer(let layer, let reason):
            return "layer \(q(layer)): \(MessageText.firstLine(reason))."
        case .invalidGraph(let reason):
            return "\(MessageText.firstLine(reason))."
        case .onnx(let reason):
            return "\(MessageText.firstLine(reason))."
        }
    }
}
