import ConvoyFilters
import ConvoyMedia
import ConvoyTensor
import Foundation
import Yams

/// A pipeline file (`Pipelines/*.yaml`): colour space, border, batch size, the chain of kernels
/// and encoder settings. Unknown keys are an error, so a typo never passes silently.
///
/// ```yaml
/// # Softens the picture with a 5×5 Gaussian on R, G and B.
/// space: rgb
/// border: replicate
/// batch: 8
/// kernels:
///   - gaussian:sigma=1.2,size=5
/// encoder:
///   codec: libx264
///   crf: 20
/// ```
public struct PipelineSpec: Decodable, Equatable {
    /// Settings for the encoder; any left out keep Convoy's defaults.
    public struct Encoder: Decodable, Equatable {
        public var codec: String?
        public var crf: Double?
        public var preset: String?
        public var bitrate: Int?
        public var pixFmt: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case codec, crf, preset, bitrate
            case pixFmt = "pix_fmt"
        }

        public init(from decoder: Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            codec = try container.decodeIfPresent(String.self, forKey: .codec)
            crf = try container.decodeIfPresent(Double.self, forKey: .crf)
            preset = try container.decodeIfPresent(String.self, forKey: .preset)
            bitrate = try container.decodeIfPresent(Int.self, forKey: .bitrate)
            pixFmt = try container.decodeIfPresent(String.self, forKey: .pixFmt)
        }
    }

    public var space: FilterSpace
    /// With `space: luma`, whether chroma is kept or made neutral grey.
    public var chroma: ChromaMode
    public var border: BorderMode
    public var batch: Int
    /// Kernel specs, as `--kernel` takes them, applied in order (empty when `model` is given).
    public var kernels: [String]
    /// The kernels parsed, with the border: set by `parse` (nil when `model` is given). The one
    /// parse of the file's kernels; the filter is made from it.
    public private(set) var chain: FilterChain? = nil
    /// A model file (relative to the pipeline file) run as a learned filter instead of kernels.
    public var model: String?
    /// `scale`, `mean`, `std` (numbers, or lists of one per channel): an ONNX model's input
    /// normalisation, as `--scale/--mean/--std` say it; `precision` (fp32, bf16, bf16-only):
    /// what the model's convolutions compute in, as `--precision` says it.
    public var modelInput = ModelInputOptions()
    /// Container format name, when it should not follow the output's extension.
    public var format: String?
    public var encoder: Encoder?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case space, chroma, border, batch, kernels, model, format, encoder, scale, mean, std, precision
    }

    /// A number or a list of numbers.
    private static func decodeNumbers(forKey key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>) throws -> [Float]? {
        if let one = try? container.decodeIfPresent(Float.self, forKey: key) { return [one] }
        return try container.decodeIfPresent([Float].self, forKey: key)
    }

    public init(from decoder: Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        space = try Self.decodeName(FilterSpace.self, forKey: .space, in: container, what: "space") ?? .rgb
        chroma = try Self.decodeName(ChromaMode.self, forKey: .chroma, in: container, what: "chroma mode") ?? .keep
        if chroma == .neutral && space != .luma {
            throw DecodingError.dataCorruptedError(forKey: .chroma, in: container, debugDescription: "chroma: neutral needs space: luma")
        }
        border = try Self.decodeName(BorderMode.self, forKey: .border, in: container, what: "border") ?? .replicate
        batch = try container.decodeIfPresent(Int.self, forKey: .batch) ?? 8
        guard (1...256).contains(batch) else {
            throw DecodingError.dataCorruptedError(forKey: .batch, in: container, debugDescription: "batch must be 1 to 256")
        }
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if model == nil {
            kernels = try container.decode([String].self, forKey: .kernels)
            guard !kernels.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .kernels, in: container, debugDescription: "the list of kernels is empty")
            }
        } else {
            kernels = try container.decodeIfPresent([String].self, forKey: .kernels) ?? []
            guard kernels.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .kernels, in: container, debugDescription: "give kernels or a model, not both")
            }
        }
        format = try container.decodeIfPresent(String.self, forKey: .format)
        encoder = try container.decodeIfPresent(Encoder.self, forKey: .encoder)
        modelInput = ModelInputOptions(scale: try container.decodeIfPresent(Float.self, forKey: .scale),
                                       mean: try Self.decodeNumbers(forKey: .mean, in: container),
                                       std: try Self.decodeNumbers(forKey: .std, in: container))
        if !modelInput.isEmpty && model == nil {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: container, debugDescription: "scale, mean and std go with an ONNX model")
        }
        if let scale = modelInput.scale, !(scale > 0 && scale.isFinite) {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: container, debugDescription: "scale must be a positive number")
        }
        if let std = modelInput.std, std.contains(where: { !($0 > 0) }) {
            throw DecodingError.dataCorruptedError(forKey: .std, in: container, debugDescription: "std must hold positive numbers")
        }
        if let text = try container.decodeIfPresent(String.self, forKey: .precision) {
            guard model != nil else {
                throw DecodingError.dataCorruptedError(forKey: .precision, in: container, debugDescription: "precision goes with a model")
            }
            guard let precision = NetworkPrecision(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: .precision, in: container,
                                                       debugDescription: "precision is \(text); it takes fp32, bf16 or bf16-only")
            }
            modelInput.precision = precision
        }
    }

    /// Decodes one of the names of `T` (`space: luma`); anything else is an error quoting the value
    /// (on one line, however it was written) and listing the names.
    private static func decodeName<T: RawRepresentable & CaseIterable>(
        _ type: T.Type, forKey key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>, what: String
    ) throws -> T? where T.RawValue == String {
        guard let name = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = T(rawValue: name) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                "unknown \(what) \(MessageText.quote(name)) (use \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    /// Reads and checks a pipeline file, including every kernel spec in it. A model path is made
    /// relative to the pipeline file's directory.
    public static func load(path: String) throws -> PipelineSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConvoyError("\(path): \(exists ? "cannot read the pipeline file" : "no such pipeline file").",
                              exitCode: ConvoyError.noInput)
        }
        var spec = try parse(String(decoding: data, as: UTF8.self), name: path)
        if let model = spec.model, !model.hasPrefix("/") {
            spec.model = URL(fileURLWithPath: path).absoluteURL.deletingLastPathComponent().appendingPathComponent(model).standardized.path
        }
        return spec
    }

    /// Parses pipeline YAML; `name` is used in messages.
    public static func parse(_ text: String, name: String) throws -> PipelineSpec {
        var spec: PipelineSpec
        do {
            spec = try YAMLDecoder().decode(PipelineSpec.self, from: text)
        } catch let error as DecodingError {
            throw ConvoyError("\(name): \(describe(error))", exitCode: ConvoyError.dataError)
        } catch {
            let line = MessageText.firstLine(String(describing: error))
            let text = line.isEmpty ? "not valid YAML" : line
            throw ConvoyError("\(name): not a valid pipeline file (\(text)).", exitCode: ConvoyError.dataError)
        }
        var kernels: [Kernel] = []
        for (index, text) in spec.kernels.enumerated() {
            do { kernels.append(try KernelSpec.parse(text)) } catch let error as KernelSpecError {
                throw ConvoyError("\(name): kernels[\(index)]: \(error.description)", exitCode: ConvoyError.dataError)
            }
        }
        if spec.model == nil { spec.chain = FilterChain(kernels: kernels, border: spec.border) }
        return spec
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { key in
                if let index = key.intValue { return "[\(index)]" }
                let plain = !key.stringValue.isEmpty && key.stringValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                return plain ? key.stringValue : MessageText.quote(key.stringValue, limit: 40)
            }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let place = context.codingPath.isEmpty ? "" : " under \(path(context.codingPath))"
            return "the key \"\(key.stringValue)\" is missing\(place)."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let detail = MessageText.firstLine(context.debugDescription).trimmingCharacters(in: CharacterSet(charactersIn: "."))
            return "\(path(context.codingPath)): \(detail)."
        case .dataCorrupted(let context) where context.underlyingError != nil:
            let detail = MessageText.firstLine(String(describing: context.underlyingError!))
            return "not a valid pipeline file (\(detail))."
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(MessageText.firstLine(context.debugDescription))."
        @unknown default:
            return "not a valid pipeline file."
        }
    }
}
