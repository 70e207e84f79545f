import ConvoyNN
import ConvoyTensor
import Foundation

/// Builds a runnable `Graph` from a model file (architecture YAML, see `ModelSpec`) and its
/// weights (safetensors, PyTorch state-dict names).
///
/// ```swift
/// let model = try ModelLoader.load(modelPath: "Models/edges.yaml")   // + Models/edges.safetensors
/// let outputs = model.graph.forward(frames, context: context)        // frames: [N, C, H, W], 0 … 1
/// print(try model.summary(inputHeight: 1080, inputWidth: 1920))
/// ```
///
/// Loading checks, in this order, and throws the first problem as a `ModelError` naming the model
/// file: the YAML (`ModelSpec.parse`); tensors the layers need that the weights lack (all listed);
/// tensors the weights hold that no layer uses (all listed); each tensor's shape against the
/// layer's settings; then the layers as ConvoyNN builds them. A weights file that cannot be read
/// throws `SafeTensorsError`, naming that file.
///
/// The graph's first node (`LoadedModel.normalizationNodeName`) is a `Normalize` that turns
/// Convoy's frame tensors (8-bit pixel / 255, so 0 … 1) into the model input the file describes,
/// `(pixel / scale - mean) / std`: its scale is `255 / input.scale`. When that is the identity
/// (scale 255, mean 0, std 1) there is no such node and the layers read `Graph.inputName`: a copy
/// of every frame saved. A batch norm that directly
/// follows a convolution whose result nothing else reads is folded into that convolution
/// (`Conv2d.folding(_:)`); the folded node takes the batch norm's name.
public enum ModelLoader {
    /// Loads the model file at `modelPath` and its weights: `weightsPath` when given, else the
    /// file's `weights:` (relative to the model file), else the model path with its `.yaml` or
    /// `.yml` extension replaced by `.safetensors`.
    ///
    /// - Throws: `ModelError` (model file problems) or `SafeTensorsError` (weights file problems).
    ///
    /// A model file whose `onnx:` names an ONNX graph (relative to the model file) loads that
    /// graph with the file's `input:` normalisation (`ONNXLoader`), built for `frameSize` when given.
    public static func load(modelPath: String, weightsPath: String? = nil, frameSize: SpatialPair? = nil) throws -> LoadedModel {
        let spec = try ModelSpec.load(path: modelPath)
        if let onnx = spec.onnx {
            let directory = (modelPath as NSString).deletingLastPathComponent
            let path = onnx.hasPrefix("/") || directory.isEmpty ? onnx : directory + "/" + onnx
            let model = try ONNXLoader.load(path: path, scale: spec.input.scale, mean: spec.input.mean, std: spec.input.std,
                                            channels: spec.input.channels, frameSize: frameSize)
            model.precision = spec.precision ?? .fp32
            return model
        }
        let weights = try SafeTensorsFile(path: weightsPath ?? defaultWeightsPath(modelPath: modelPath, spec: spec))
        let model = try load(spec: spec, weights: weights, modelName: modelPath)
        model.precision = spec.precision ?? .fp32
        return model
    }

    /// The weights file `load(modelPath:)` reads when not told: the spec's `weights:` resolved
    /// against the model file's directory, or the model path with `.safetensors` for its extension.
    public static func defaultWeightsPath(modelPath: String, spec: ModelSpec) -> String {
        if let weights = spec.weights {
            let directory = (modelPath as NSString).deletingLastPathComponent
            return weights.hasPrefix("/") || directory.isEmpty ? weights : directory + "/" + weights
        }
        for suffix in [".yaml", ".yml"] where modelPath.lowercased().hasSuffix(suffix) {
            return String(modelPath.dropLast(suffix.count)) + ".safetensors"
        }
        return modelPath + ".safetensors"
    }

    /// Builds the model from a checked spec and opened weights; `modelName` stands for the
    /// model file in messages.
    ///
    /// - Throws: `ModelError` naming `modelName`; `SafeTensorsError` when a tensor's dtype cannot
    ///   be converted to F32.
    public static func load(spec: ModelSpec, weights: SafeTensorsFile, modelName: String) throws -> LoadedModel {
        func fail(_ problem: ModelError.Problem) -> ModelError {
            ModelError(path: modelName, problem: problem)
        }
        do {
            _ = try spec.channelCounts()
        } catch let issue as ModelSpecIssue {
            throw fail(issue.problem)
        }

        // Tensors: all needed present, none left over, every shape right.
        let needed = spec.layers.flatMap(requiredTensors)
        let neededNames = Set(needed.map(\.name))
        let missing = needed.map(\.name).filter { weights.info(named: $0) == nil }
        guard missing.isEmpty else {
            throw fail(.missingTensors(weights: weights.path, names: missing))
        }
        let ignored = Set(spec.layers.filter { $0.type == .batchNorm }.map { $0.name + ".num_batches_tracked" })
        let unused = weights.names.filter { !neededNames.contains($0) && !ignored.contains($0) }
        guard unused.isEmpty else {
            throw fail(.unusedTensors(weights: weights.path, names: unused))
        }
        for (name, shape) in needed where weights.info(named: name)!.shape != shape {
            throw fail(.tensorShape(weights: weights.path, tensor: name, expected: shape, found: weights.info(named: name)!.shape))
        }
        var tensors: [String: Tensor] = [:]
        for name in neededNames {
            tensors[name] = try weights.tensor(named: name)
        }

        // Which convolutions absorb the batch norm after them.
        var readers: [String: Int] = [:]
        for index in spec.layers.indices {
            for source in spec.sources(of: index) {
                readers[source, default: 0] += 1
            }
        }
        for output in spec.outputs {
            readers[output, default: 0] += 1
        }
        var foldedInto: [String: String] = [:]  // convolution name -> batch norm name
        var foldedFrom: [String: Int] = [:]     // batch norm name -> convolution index
        for (index, layer) in spec.layers.enumerated() where layer.type == .batchNorm {
            let source = spec.sources(of: index)[0]
            if let producer = spec.layers.firstIndex(where: { $0.name == source }),
               spec.layers[producer].type == .conv2d, readers[source] == 1 {
                foldedInto[source] = layer.name
                foldedFrom[layer.name] = producer
            }
        }

        // The graph: the normalisation, then a node per layer (a folded pair makes one node,
        // named after the batch norm, reading what the convolution read).
        let input = spec.input
        let normalize: Normalize
        do {
            normalize = try Normalize(mean: input.mean, std: input.std, scale: 255 / input.scale)
        } catch {
            throw fail(.invalidLayer(layer: "input", reason: String(describing: error)))
        }
        let identity = normalize.isIdentity
        let normalized = identity ? Graph.inputName : LoadedModel.normalizationNodeName
        func sources(of index: Int) -> [String] {
            spec.sources(of: index).map { $0 == Graph.inputName ? normalized : $0 }
        }
        var nodes = identity ? []
            : [Graph.Node(name: LoadedModel.normalizationNodeName, operation: .layer(normalize), inputs: [Graph.inputName])]
        var layerInfo: [LoadedModel.LayerInfo] = []
        for (index, layer) in spec.layers.enumerated() {
            let parameters = requiredTensors(layer)
                .filter { !$0.name.hasSuffix(".running_mean") && !$0.name.hasSuffix(".running_var") }
                .reduce(0) { $0 + $1.shape.reduce(1, *) }
            var multiplyAdds = 0
            if case .conv2d(let inChannels, let outChannels, let kernel, _, _, _, let groups, _, _) = layer.operation {
                multiplyAdds = outChannels * (inChannels / groups) * kernel.y * kernel.x
            }
            layerInfo.append(LoadedModel.LayerInfo(
                name: layer.name, type: layer.type.rawValue, inputs: spec.sources(of: index), parameterCount: parameters,
                foldedInto: foldedInto[layer.name], foldedFrom: foldedFrom[layer.name].map { spec.layers[$0].name },
                multiplyAddsPerPixel: multiplyAdds
            ))
            if foldedInto[layer.name] != nil {
                continue  // built with its batch norm
            }
            var culprit = layer.name
            do {
                if let producer = foldedFrom[layer.name] {
                    culprit = spec.layers[producer].name
                    let convolution = try makeConvolution(spec.layers[producer], tensors)
                    culprit = layer.name
                    let folded = try convolution.folding(try makeBatchNorm(layer, tensors))
                    nodes.append(Graph.Node(name: layer.name, operation: .layer(folded), inputs: sources(of: producer)))
                } else {
                    nodes.append(Graph.Node(name: layer.name, operation: try makeOperation(layer, tensors), inputs: sources(of: index)))
                }
            } catch let error as LayerConfigurationError {
                throw fail(.invalidLayer(layer: culprit, reason: error.description))
            }
        }
        let graph: Graph
        var absorbed: [String: String] = [:]
        do {
            let fused = try fusePooling(try fuseActivations(nodes, outputs: spec.outputs, absorbed: &absorbed),
                                        outputs: spec.outputs, absorbed: &absorbed)
            graph = try Graph(nodes: fused, outputs: spec.outputs)
        } catch {
            throw fail(.invalidGraph(String(describing: error)))
        }
        return LoadedModel(name: modelName, weightsName: weights.path, spec: spec, normalization: spec.input, graph: graph,
                           layers: layerInfo, absorbedInto: absorbed)
    }

    /// Folds each batch norm (`BatchNorm2d`, which per-channel affines imported from ONNX are
    /// too) into the convolution it reads when nothing else reads that convolution
    /// (`Conv2d.folding(_:)`); the folded node takes the batch norm's name. The YAML path folds
    /// on the layer list instead, so that `convoy model` names both layers.
    static func foldBatchNorms(_ nodes: [Graph.Node], outputs: [String], absorbed: inout [String: String]) throws -> [Graph.Node] {
        try fuseIntoConvolutions(nodes, outputs: outputs, absorbed: &absorbed) { layer, convolution in
            guard let batchNorm = layer as? BatchNorm2d, convolution.activation == .none, !convolution.fusedMaxPool else { return nil }
            return try convolution.folding(batchNorm)
        }
    }

    /// Merges each ReLU into the convolution it reads when nothing else reads that convolution:
    /// the fused node takes the ReLU's name and the convolution's place (`Conv2d.fusing(_:)`), so
    /// the activation is applied to each output tile while it is in cache.
    static func fuseActivations(_ nodes: [Graph.Node], outputs: [String], absorbed: inout [String: String]) throws -> [Graph.Node] {
        try fuseIntoConvolutions(nodes, outputs: outputs, absorbed: &absorbed) { layer, convolution in
            guard layer is ReLU, convolution.activation == .none, !convolution.fusedMaxPool else { return nil }
            return try convolution.fusing(.relu)
        }
    }

    /// Merges each 2×2, stride-2 max pool (no padding, floor mode) into the convolution it reads
    /// when nothing else reads that convolution (`Conv2d.fusingMaxPool()`): the fused node takes
    /// the pool's name, and the convolution's full-size output is never written. Runs after
    /// `fuseActivations`, so a convolution, its ReLU and its pool become one node.
    static func fusePooling(_ nodes: [Graph.Node], outputs: [String], absorbed: inout [String: String]) throws -> [Graph.Node] {
        try fuseIntoConvolutions(nodes, outputs: outputs, absorbed: &absorbed) { layer, convolution in
            guard let pool = layer as? MaxPool2d, pool.kernel == (2, 2), pool.stride == (2, 2), pool.padding == (0, 0), pool.dilation == (1, 1),
                  !pool.ceilMode, !convolution.fusedMaxPool else { return nil }
            return try convolution.fusingMaxPool()
        }
    }

    /// Replaces each one-input layer node that reads a convolution nothing else reads (no other
    /// node, no output) by `fuse(layer, convolution)` when that gives a layer: the fused node takes
    /// the later node's name and the convolution's place, and the later node goes. `absorbed`
    /// gains each removed name → the fused node's name (names already absorbed into the
    /// convolution follow it).
    private static func fuseIntoConvolutions(_ nodes: [Graph.Node], outputs: [String], absorbed: inout [String: String],
                                             _ fuse: (Layer, Conv2d) throws -> Conv2d?) throws -> [Graph.Node] {
        var readers: [String: Int] = [:]
        for node in nodes { for input in node.inputs { readers[input, default: 0] += 1 } }
        for output in outputs { readers[output, default: 0] += 1 }
        var result = nodes
        var removed = Set<Int>()
        for (index, node) in nodes.enumerated() {
            guard case .layer(let layer) = node.operation, node.inputs.count == 1, readers[node.inputs[0]] == 1,
                  let producer = nodes.firstIndex(where: { $0.name == node.inputs[0] }),
                  case .layer(let candidate) = nodes[producer].operation,
                  let convolution = candidate as? Conv2d, let fused = try fuse(layer, convolution) else { continue }
            result[producer] = Graph.Node(name: node.name, operation: .layer(fused), inputs: nodes[producer].inputs)
            let convolutionName = nodes[producer].name
            for (name, target) in absorbed where target == convolutionName { absorbed[name] = node.name }
            absorbed[convolutionName] = node.name
            removed.insert(index)
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// The tensors a layer reads from the weights file, with the shapes its settings imply.
    static func requiredTensors(_ layer: ModelLayerSpec) -> [(name: String, shape: [Int])] {
        let name = layer.name
        switch layer.operation {
        case .conv2d(let inChannels, let outChannels, let kernel, _, _, _, let groups, let bias, _):
            let weight = (name: name + ".weight", shape: [outChannels, inChannels / groups, kernel.y, kernel.x])
            return bias ? [weight, (name: name + ".bias", shape: [outChannels])] : [weight]
        case .prelu(let channels):
            return [(name: name + ".weight", shape: [channels])]
        case .batchNorm(let channels, _):
            return ["weight", "bias", "running_mean", "running_var"].map { (name: name + "." + $0, shape: [channels]) }
        default:
            return []
        }
    }

    private static func makeConvolution(_ layer: ModelLayerSpec, _ tensors: [String: Tensor]) throws -> Conv2d {
        guard case .conv2d(_, _, _, let stride, let padding, let dilation, let groups, let bias, let border) = layer.operation else {
            preconditionFailure("\(layer.name) is not a convolution")
        }
        return try Conv2d(
            weight: tensors[layer.name + ".weight"]!,
            bias: bias ? tensors[layer.name + ".bias"]! : nil,
            stride: stride.tuple,
            padding: padding.tuple,
            dilation: dilation.tuple,
            groups: groups,
            border: border
        )
    }

    private static func makeBatchNorm(_ layer: ModelLayerSpec, _ tensors: [String: Tensor]) throws -> BatchNorm2d {
        guard case .batchNorm(_, let eps) = layer.operation else {
            preconditionFailure("\(layer.name) is not a batch norm")
        }
        return try BatchNorm2d(
            weight: tensors[layer.name + ".weight"]!,
            bias: tensors[layer.name + ".bias"]!,
            runningMean: tensors[layer.name + ".running_mean"]!,
            runningVar: tensors[layer.name + ".running_var"]!,
            eps: eps
        )
    }

    static func makeOperation(_ layer: ModelLayerSpec, _ tensors: [String: Tensor]) throws -> Graph.Operation {
        switch layer.operation {
        case .conv2d:
            return .layer(try makeConvolution(layer, tensors))
        case .relu:
            return .layer(ReLU())
        case .leakyReLU(let slope):
            return .layer(LeakyReLU(negativeSlope: slope))
        case .prelu:
            return .layer(try PReLU(weight: tensors[layer.name + ".weight"]!))
        case .sigmoid:
            return .layer(Sigmoid())
        case .tanh:
            return .layer(Tanh())
        case .maxPool(let kernel, let stride, let padding, let ceilMode):
            return .layer(try MaxPool2d(kernel: kernel.tuple, stride: stride.tuple, padding: padding.tuple, ceilMode: ceilMode))
        case .avgPool(let kernel, let stride, let padding, let ceilMode, let countIncludePad):
            return .layer(try AvgPool2d(kernel: kernel.tuple, stride: stride.tuple, padding: padding.tuple,
                                        ceilMode: ceilMode, countIncludePad: countIncludePad))
        case .globalAvgPool:
            return .layer(GlobalAvgPool2d())
        case .batchNorm:
            return .layer(try makeBatchNorm(layer, tensors))
        case .upsample(let scale, let mode, let alignCorners):
            return .layer(Upsample(scale: scale.tuple, mode: mode, alignCorners: alignCorners))
        case .pixelShuffle(let factor):
            return .layer(try PixelShuffle(upscaleFactor: factor))
        case .softmax:
            return .layer(ChannelSoftmax())
        case .concat:
            return .merge(Concat())
        case .add:
            return .merge(Add())
        }
    }
}
