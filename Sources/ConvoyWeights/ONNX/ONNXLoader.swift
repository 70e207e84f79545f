import ConvoyNN
import ConvoyTensor
import Foundation

/// Builds a runnable `LoadedModel` from an `.onnx` file, as `ModelLoader` does from YAML.
///
/// ```swift
/// let model = try ONNXLoader.load(path: "net.onnx", mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
/// let outputs = model.graph.forward(frames, context: context)   // frames: [N, C, H, W], 0 … 1
/// ```
///
/// The file is decoded and checked (`ONNXModelFile`: one image input `[N, C, H, W]`, operator
/// set 6 to 21, every operator known — all unknown ones listed in one error), the nodes imported
/// onto ConvoyNN layers for one frame size with the shape arithmetic folded (`ONNXImporter`),
/// then the graph gets the fusions a YAML graph gets: batch norms (and per-channel affines) folded
/// into the convolution before them, ReLUs and 2×2 max pools fused into convolutions. ONNX files
/// carry no normalisation: `scale`, `mean` and `std` mean what a YAML `input:` section's keys mean,
/// and the default (scale 255, mean 0, std 1) feeds the 0 … 1 frame itself. The batch axis is
/// Convoy's (a file exported for batch 1 runs any batch). Outputs are named after the ONNX graph's
/// outputs.
public enum ONNXLoader {
    /// The size symbolic inputs are imported at when no frame size is given (the graph is the same
    /// for every size unless `LoadedModel.dependsOnFrameSize`).
    public static let nominalSize = SpatialPair(y: 512, x: 512)

    /// Loads the ONNX file at `path`.
    ///
    /// - Parameters:
    ///   - channels: the channel count a model file expects (a YAML `onnx:` file's `input:`
    ///     section); nil takes the ONNX input's.
    ///   - frameSize: the frame size to build for (`convoy model --size`); symbolic inputs
    ///     otherwise use `nominalSize`, fixed ones their own.
    ///   - name: the model's name in messages; `path` by default.
    /// - Throws: `ModelError` naming the file (`.noSuchFile`, `.onnx` with the reason).
    public static func load(path: String, scale: Float = 255, mean: [Float] = [0], std: [Float] = [1], channels: Int? = nil,
                            frameSize: SpatialPair? = nil, name: String? = nil) throws -> LoadedModel {
        let file = try ONNXModelFile(path: path)
        return try load(file: file, scale: scale, mean: mean, std: std, channels: channels, frameSize: frameSize, name: name ?? path)
    }

    /// Loads an ONNX file from its bytes; `path` names it in messages and locates external data
    /// (beside it). Otherwise as `load(path:…)`.
    public static func load(data: Data, path: String, scale: Float = 255, mean: [Float] = [0], std: [Float] = [1],
                            frameSize: SpatialPair? = nil) throws -> LoadedModel {
        let file = try ONNXModelFile(data: data, path: path)
        return try load(file: file, scale: scale, mean: mean, std: std, channels: nil, frameSize: frameSize, name: path)
    }

    private static func load(file: ONNXModelFile, scale: Float, mean: [Float], std: [Float], channels: Int?,
                             frameSize: SpatialPair?, name: String) throws -> LoadedModel {
        func fail(_ reason: String) -> ModelError {
            ModelError(path: name, problem: .onnx(reason))
        }
        guard let fileChannels = file.inputDims[1] else {
            throw fail("the input \(MessageText.quote(file.input.name)) has no fixed channel count")
        }
        if let channels, channels != fileChannels {
            throw fail("the model file says \(channels) input channels, the ONNX graph reads \(fileChannels)")
        }
        let normalization = ModelInputSpec(channels: fileChannels, scale: scale, mean: mean, std: std)
        guard scale > 0, scale.isFinite else { throw fail("the input scale must be positive, got \(scale)") }
        for (key, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != fileChannels {
            throw fail("\(key) must have one value or one per channel (\(fileChannels)), got \(values.count)")
        }
        let normalize: Normalize
        do {
            normalize = try Normalize(mean: mean, std: std, scale: 255 / scale)
        } catch {
            throw fail("the input normalisation: \(error)")
        }

        let (fixedHeight, fixedWidth) = (file.inputDims[2], file.inputDims[3])
        let fixed = fixedHeight.flatMap { h in fixedWidth.map { SpatialPair(y: h, x: $0) } }
        guard (fixedHeight == nil) == (fixedWidth == nil) else {
            throw fail("the input \(MessageText.quote(file.input.name)) fixes one of its height and width, not both")
        }
        let size = fixed ?? frameSize ?? nominalSize
        let identity = normalize.isIdentity
        let inputNode = identity ? Graph.inputName : LoadedModel.normalizationNodeName

        var importer = ONNXImporter(file: file, height: size.y, width: size.x, inputNode: inputNode)
        let outputs: [(name: String, tensor: ONNXRuntimeTensor)]
        do {
            try importer.run()
            outputs = try importer.outputs()
        } catch let issue as ONNXIssue {
            throw fail(issue.description)
        }

        // Nodes: the normalisation, the imported layers, then outputs named after the ONNX graph's.
        var nodes = importer.nodes
        var infos = importer.infos
        var renamed: [String: String] = [:]
        var outputNames: [String] = []
        let claimed = Set(outputs.map(\.tensor.node))
        var claimedOnce: Set<String> = []
        for (outputName, tensor) in outputs {
            guard !ModelSpec.reservedNames.contains(outputName) else {
                throw fail("the output name \(MessageText.quote(outputName)) is reserved for the model input")
            }
            guard !outputNames.contains(outputName) else {
                throw fail("the output \(MessageText.quote(outputName)) is listed twice")
            }
            let source = renamed[tensor.node] ?? tensor.node
            if source == outputName {
                claimedOnce.insert(source)
            } else if source != Graph.inputName, source != LoadedModel.normalizationNodeName, !claimedOnce.contains(source),
                      claimed.contains(tensor.node), !nodes.contains(where: { $0.name == outputName }),
                      outputs.filter({ $0.tensor.node == tensor.node }).count == 1 {
                renamed[tensor.node] = outputName
                claimedOnce.insert(outputName)
            } else {
                // A value that is also another output, or the input itself: a copy.
                nodes.append(Graph.Node(name: outputName, operation: .layer(Sequential([])), inputs: [source]))
                infos[outputName] = ONNXImporter.NodeInfo(type: "Identity", parameters: 0, multiplyAdds: 0)
            }
            outputNames.append(outputName)
        }
        if !renamed.isEmpty {
            nodes = nodes.map { node in
                Graph.Node(name: renamed[node.name] ?? node.name, operation: node.operation, inputs: node.inputs.map { renamed[$0] ?? $0 })
            }
            for (old, new) in renamed { infos[new] = infos.removeValue(forKey: old) }
        }
        // Nodes no output reads: the parts of a pattern run as one layer (shown as fused into
        // it), or a branch nothing uses (dropped, and said).
        var needed = Set(outputNames)
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inputs) }
        var fusedAway: [String: String] = [:]
        for (fused, parts) in importer.fusedParts {
            for part in parts.map({ renamed[$0] ?? $0 }) where !needed.contains(part) { fusedAway[part] = renamed[fused] ?? fused }
        }
        let unused = nodes.filter { !needed.contains($0.name) && fusedAway[$0.name] == nil }.map(\.name)
        for name in unused { infos[name] = nil }
        let allNodes = nodes
        nodes = nodes.filter { needed.contains($0.name) }
        if !identity {
            nodes.insert(Graph.Node(name: LoadedModel.normalizationNodeName, operation: .layer(normalize), inputs: [Graph.inputName]), at: 0)
        }

        // The fusions a YAML graph gets, by the same walk.
        var foldedBatchNorms: [String: String] = [:]
        var absorbed: [String: String] = [:]
        let graph: Graph
        do {
            let folded = try ModelLoader.foldBatchNorms(nodes, outputs: outputNames, absorbed: &foldedBatchNorms)
            absorbed = foldedBatchNorms.merging(fusedAway) { first, _ in first }
            let fused = try ModelLoader.fusePooling(try ModelLoader.fuseActivations(folded, outputs: outputNames, absorbed: &absorbed),
                                                    outputs: outputNames, absorbed: &absorbed)
            graph = try Graph(nodes: fused, outputs: outputNames)
        } catch {
            throw fail(String(describing: error))
        }
        let batchNormSources = Dictionary(foldedBatchNorms.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let layers = allNodes.compactMap { node -> LoadedModel.LayerInfo? in
            guard let info = infos[node.name] else { return nil }
            return LoadedModel.LayerInfo(name: node.name, type: info.type, inputs: node.inputs, parameterCount: info.parameters,
                                         foldedInto: foldedBatchNorms[node.name], foldedFrom: batchNormSources[node.name],
                                         multiplyAddsPerPixel: info.multiplyAdds)
        }

        var notes: [String] = []
        if !importer.folded.isEmpty {
            var byHow: [String: [String]] = [:]
            var order: [String] = []
            for entry in importer.folded {
                if byHow[entry.how] == nil { order.append(entry.how) }
                byHow[entry.how, default: []].append("\(entry.type) \(MessageText.quote(entry.name, limit: 40).dropFirst().dropLast())")
            }
            notes.append("Folded at load (\(importer.folded.count) ONNX nodes with no layer of their own):")
            for how in order {
                let names = byHow[how]!
                let more = names.count > 8 ? " and \(names.count - 8) more" : ""
                notes.append("  \(how): " + names.prefix(8).joined(separator: ", ") + more)
            }
        }
        if !unused.isEmpty {
            let more = unused.count > 8 ? " and \(unused.count - 8) more" : ""
            notes.append("Not run (no output reads them): " + unused.prefix(8).map { MessageText.quote($0, limit: 40) }.joined(separator: ", ") + more)
        }
        if let fixed {
            notes.append("The input is fixed at \(fixed.x)×\(fixed.y): frames are scaled to it.")
        } else if importer.dependsOnFrameSize {
            notes.append("Folded shapes read the frame size: the graph is built for \(size.x)×\(size.y) and again for each other size.")
        }

        let producer = file.model.producerName.isEmpty ? "" : ", from \(file.model.producerName) \(file.model.producerVersion)".trimmingCharacters(in: .whitespaces)
        let rebuild: (@Sendable (Int, Int) throws -> LoadedModel)?
        if importer.dependsOnFrameSize && fixed == nil {
            let path = file.path
            rebuild = { height, width in
                try ONNXLoader.load(path: path, scale: scale, mean: mean, std: std, channels: channels,
                                    frameSize: SpatialPair(y: height, x: width), name: name)
            }
        } else {
            rebuild = nil
        }
        return LoadedModel(name: name, weightsName: file.path, spec: nil, normalization: normalization, graph: graph, layers: layers,
                           absorbedInto: absorbed, origin: "ONNX, operator set \(file.opset)\(producer)", notes: notes,
                           fixedInputSize: fixed, outputRanks: outputs.map(\.tensor.rank), rebuild: rebuild)
    }
}
