import ConvoyTensor
import ConvoyNN
import Foundation
import SwiftProtobuf

/// An `.onnx` file, decoded with swift-protobuf through Convoy's own schema
/// (`onnx-subset.proto`) and checked as far as the file alone tells: a graph, a standard operator
/// set Convoy knows (6 to 21) and one image input. Whether Convoy can run each node is the
/// importer's to say (`ONNXImporter.run`: every node it cannot run, listed in one error).
struct ONNXModelFile {
    /// The operator set versions whose semantics the importer knows.
    static let opsets = 6...21

    /// The file, as the caller named it.
    let path: String
    /// The decoded model.
    let model: ONNXModelProto
    /// The version of the standard operator set (domain `""` or `ai.onnx`) the file imports.
    let opset: Int
    /// The one graph input that is not an initializer: the frames.
    let input: ONNXValueInfoProto
    /// Its shape `[N, C, H, W]`; nil where the dimension is symbolic. `[N, K]` and `[N, C, L]`
    /// inputs are read as `[N, K, 1, 1]` and `[N, C, L, 1]`.
    let inputDims: [Int?]
    /// The input's rank as the file declares it (2 to 4).
    let inputRank: Int
    /// Initializers by name.
    let initializers: [String: ONNXTensorProto]
    /// Where external data files are resolved: the model file's folder.
    let directory: String

    /// Files larger than this are refused before decoding (protobuf's own 2 GiB limit).
    static let maximumFileSize = Int(Int32.max)

    /// Reads and checks the file at `path`.
    ///
    /// - Throws: `ModelError` naming `path` (`.noSuchFile`, or `.onnx` with the reason).
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError(path: path, problem: .noSuchFile)
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(path: path, problem: .unreadable(isDirectory.boolValue ? "it is a directory" : "permission denied or I/O error"))
        }
        try self.init(data: data, path: path)
    }

    /// Checks the bytes of an ONNX file; `path` names it in messages and locates external data.
    init(data: Data, path: String) throws {
        func fail(_ reason: String) -> ModelError {
            ModelError(path: path, problem: .onnx(reason))
        }
        self.path = path
        directory = (path as NSString).deletingLastPathComponent
        guard data.count <= Self.maximumFileSize else {
            throw fail("the file is over 2 GiB, protobuf's limit (keep large weights as external data)")
        }
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            model = try ONNXModelProto(serializedBytes: data, options: options)
        } catch {
            throw fail("not a valid ONNX file (the protobuf does not decode: \(Self.reason(error)))")
        }
        guard model.hasGraph, !model.graph.node.isEmpty || !model.graph.output.isEmpty else {
            throw fail("not a valid ONNX file (it has no graph)")
        }
        let standard = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let version = standard.map(\.version).max() else {
            throw fail("the model imports no standard operator set (opset_import has no \"\" or \"ai.onnx\" domain)")
        }
        guard Self.opsets.contains(Int(clamping: version)) else {
            throw fail("the model uses operator set \(version); Convoy reads \(Self.opsets.lowerBound) to \(Self.opsets.upperBound)")
        }
        opset = Int(version)
        let graph = model.graph

        var initializers: [String: ONNXTensorProto] = [:]
        for tensor in graph.initializer {
            initializers[tensor.name] = tensor
        }
        self.initializers = initializers

        // Inputs that are also initializers are weights (files before IR version 4 list them).
        let images = graph.input.filter { initializers[$0.name] == nil }
        guard !images.isEmpty else {
            throw fail("the graph has no input besides its weights")
        }
        guard images.count == 1 else {
            throw fail("the graph has \(images.count) inputs (\(MessageText.list(images.map(\.name)))); Convoy feeds one image input [N, C, H, W]")
        }
        input = images[0]
        guard case .tensorType(let type)? = input.type.value else {
            throw fail("the input \(MessageText.quote(input.name)) is not a tensor")
        }
        guard !type.hasElemType || type.elemType == 1 || type.elemType == 0 else {
            throw fail("the input \(MessageText.quote(input.name)) has element type \(type.elemType); Convoy feeds FLOAT frames")
        }
        let dims: [Int?] = type.shape.dim.map { dimension in
            if case .dimValue(let value)? = dimension.value, value > 0 { return Int(clamping: value) }
            return nil
        }
        guard type.hasShape, (2...4).contains(dims.count) else {
            throw fail("the input \(MessageText.quote(input.name)) must be an image [N, C, H, W], has rank \(type.hasShape ? "\(dims.count)" : "unknown")")
        }
        inputDims = dims + Array(repeating: 1, count: 4 - dims.count)
        inputRank = dims.count
        if dims.count < 4 && dims.dropFirst().contains(where: { $0 == nil }) {
            throw fail("the input \(MessageText.quote(input.name)) of rank \(dims.count) must have fixed sizes after the batch")
        }

    }

    /// Whether the importer knows the operator of `node` (the standard domain, a type in
    /// `ONNXImporter.operators`).
    static func isKnown(_ node: ONNXNodeProto) -> Bool {
        (node.domain.isEmpty || node.domain == "ai.onnx") && ONNXImporter.operators.contains(node.opType)
    }

    /// The operator type of `node` as messages name it: its domain in front unless standard.
    static func typeName(_ node: ONNXNodeProto) -> String {
        node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : node.domain + "." + node.opType
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: return "it is truncated"
        case BinaryDecodingError.malformedProtobuf: return "malformed protobuf"
        case BinaryDecodingError.messageDepthLimit: return "messages nested too deep"
        case BinaryDecodingError.invalidUTF8: return "a string is not UTF-8"
        default: return String(describing: error)
        }
    }
}
