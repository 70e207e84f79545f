import ConvoyNN
import ConvoyTensor
import Foundation

/// A model file loaded for training: the same YAML as `ModelLoader` reads, built as a
/// `TrainableGraph` whose parameters an optimizer updates, and written back as a safetensors
/// file that `ModelLoader.load(modelPath:)` (so `convoy filter --model` and `convoy features`)
/// reads unchanged.
///
/// ```swift
/// let model = try TrainableModel.load(modelPath: "Models/denoise.yaml", initPath: nil, seed: 1)
/// let outputs = model.graph.forward(frames, context: context)    // frames: [N, C, H, W], 0 … 1
/// …                                                               // loss, backward, optimizer step
/// try model.saveWeights(to: "Models/denoise.safetensors")
/// ```
///
/// Differences from `ModelLoader`: batch norms are not folded and ReLUs are not fused into the
/// convolution before them (every layer is its own node, named as in the file); weights may be
/// missing, and are then initialised as PyTorch initialises a fresh module, from a generator
/// seeded with `seed`, layer by layer in file order (weight, then bias):
///
/// - conv2d weight: `kaiming_uniform_(a = √5)`, i.e. uniform in `±1/√fanIn` with
///   `fanIn = in / groups · kernelHeight · kernelWidth`; conv2d bias: uniform in `±1/√fanIn`;
/// - prelu weight: 0.25.
///
/// The graph's first node is the same `Normalize` as the loaded model's
/// (`LoadedModel.normalizationNodeName`), so the input is Convoy's 0 … 1 frame tensor. Batch norm
/// layers are refused: Convoy trains without batch statistics.
public final class TrainableModel {
    /// The model file, as the caller named it.
    public let name: String
    /// The architecture as read from the model file.
    public let spec: ModelSpec
    /// The trainable network; its parameters are named `<layer>.weight` / `<layer>.bias`, the
    /// tensor names of the weights file.
    public let graph: TrainableGraph
    /// The names of the parameters taken from the `--init` file; the others were initialised.
    public let loadedNames: Set<String>

    init(name: String, spec: ModelSpec, graph: TrainableGraph, loadedNames: Set<String>) {
        self.name = name
        self.spec = spec
        self.graph = graph
        self.loadedNames = loadedNames
    }

    /// The parameters, in file order (see `TrainableGraph.Parameter`).
    public var parameters: [TrainableGraph.Parameter] { graph.parameters }

    /// Channels of the frames the model reads.
    public var inputChannels: Int { spec.input.channels }

    /// The names of the outputs, in order.
    public var outputs: [String] { graph.outputs }

    /// The output shapes for frames of `height` × `width`, `[batch, C, H', W']` in `outputs` order.
    ///
    /// - Throws: `ModelError` naming the model file when the size does not fit the model.
    public func outputShapes(batch: Int = 1, height: Int, width: Int) throws -> [Shape] {
        guard batch >= 1, height >= 1, width >= 1 else {
            throw ModelError(path: name, problem: .invalidGraph("the input size \(batch)×\(height)×\(width) must be at least 1 in every direction"))
        }
        do {
            return try graph.outputShapes(for: Shape(batch, inputChannels, height, width))
        } catch {
            throw ModelError(path: name, problem: .invalidGraph("for \(width)×\(height) input: \(error)"))
        }
    }

    /// Loads the model file at `modelPath` for training, taking the tensors `initPath` holds (a
    /// safetensors file with PyTorch state-dict names; may hold only some of them) and
    /// initialising the rest from a generator seeded with `seed`.
    ///
    /// - Throws: `ModelError` (model file problems, batch norm layers, tensors of the init file
    ///   that no layer uses or that have the wrong shape) or `SafeTensorsError` (an unreadable
    ///   init file).
    public static func load(modelPath: String, initPath: String? = nil, seed: UInt64 = 0) throws -> TrainableModel {
        let spec = try ModelSpec.load(path: modelPath)
        let initial = try initPath.map { try SafeTensorsFile(path: $0) }
        return try make(spec: spec, initial: initial, seed: seed, modelName: modelPath)
    }

    /// Builds the trainable model from a checked spec; `modelName` stands for the model file in
    /// messages. See `load(modelPath:initPath:seed:)`.
    public static func make(spec: ModelSpec, initial: SafeTensorsFile?, seed: UInt64, modelName: String) throws -> TrainableModel {
        func fail(_ problem: ModelError.Problem) -> ModelError {
            ModelError(path: modelName, problem: problem)
        }
        do {
            _ = try spec.channelCounts()
        } catch let issue as ModelSpecIssue {
            throw fail(issue.problem)
        }
        if let batchNorm = spec.layers.first(where: { $0.type == .batchNorm }) {
            throw fail(.invalidLayer(layer: batchNorm.name, reason:
                "batchnorm cannot be trained by Convoy (it trains without batch statistics); remove the layer or train the model elsewhere"))
        }

        let needed = spec.layers.flatMap(ModelLoader.requiredTensors)
        var loaded: Set<String> = []
        if let initial = initial {
            let neededNames = Set(needed.map(\.name))
            let unused = initial.names.filter { !neededNames.contains($0) }
            guard unused.isEmpty else {
                throw fail(.unusedTensors(weights: initial.path, names: unused))
            }
            for (name, shape) in needed {
                if let info = initial.info(named: name) {
                    guard info.shape == shape else {
                        throw fail(.tensorShape(weights: initial.path, tensor: name, expected: shape, found: info.shape))
                    }
                    loaded.insert(name)
                }
            }
        }

        var generator = SplitMix64(seed: seed)
        var tensors: [String: Tensor] = [:]
        for layer in spec.layers {
            for (name, shape) in ModelLoader.requiredTensors(layer) {
                let fresh = initialValues(layer: layer, tensor: name, shape: shape, using: &generator)
                if loaded.contains(name), let initial = initial {
                    tensors[name] = try initial.tensor(named: name)
                } else {
                    tensors[name] = fresh
                }
            }
        }

        let input = spec.input
        let normalize: Normalize
        do {
            normalize = try Normalize(mean: input.mean, std: input.std, scale: 255 / input.scale)
        } catch {
            throw fail(.invalidLayer(layer: "input", reason: String(describing: error)))
        }
        var nodes = [Graph.Node(name: LoadedModel.normalizationNodeName, operation: .layer(normalize), inputs: [Graph.inputName])]
        for (index, layer) in spec.layers.enumerated() {
            let sources = spec.sources(of: index).map { $0 == Graph.inputName ? LoadedModel.normalizationNodeName : $0 }
            do {
                nodes.append(Graph.Node(name: layer.name, operation: try ModelLoader.makeOperation(layer, tensors), inputs: sources))
            } catch let error as LayerConfigurationError {
                throw fail(.invalidLayer(layer: layer.name, reason: error.description))
            }
        }
        let graph: TrainableGraph
        do {
            graph = try TrainableGraph(nodes: nodes, outputs: spec.outputs)
        } catch {
            throw fail(.invalidGraph(String(describing: error)))
        }
        return TrainableModel(name: modelName, spec: spec, graph: graph, loadedNames: loaded)
    }

    /// A fresh tensor as PyTorch initialises it (see the type's documentation). Always draws the
    /// same numbers from `generator` whether or not the value is then replaced, so a tensor's
    /// initial value does not depend on which others the init file holds.
    static func initialValues(layer: ModelLayerSpec, tensor: String, shape: [Int], using generator: inout SplitMix64) -> Tensor {
        let count = shape.reduce(1, *)
        switch layer.operation {
        case .conv2d(let inChannels, _, let kernel, _, _, _, let groups, _, _):
            let fanIn = inChannels / groups * kernel.y * kernel.x
            let bound = Float(1 / Double(fanIn).squareRoot())
            return Tensor(shape: Shape(shape), values: (0..<count).map { _ in Float.random(in: -bound...bound, using: &generator) })
        case .prelu:
            return Tensor(shape: Shape(shape), values: [Float](repeating: 0.25, count: count))
        default:
            preconditionFailure("no initialiser for \(tensor)")
        }
    }

    /// The parameters as PyTorch state-dict entries (`<layer>.weight`, `<layer>.bias`), in file
    /// order: exactly the tensors `ModelLoader` needs for this model.
    public var stateDict: [(name: String, tensor: Tensor)] {
        parameters.map { (name: $0.name, tensor: $0.value) }
    }

    /// Writes the parameters to a safetensors file at `path` (F32, through a temporary file and
    /// a rename) that `ModelLoader.load(modelPath:weightsPath:)` reads as this model's weights.
    ///
    /// - Throws: `SafeTensorsError` naming `path` when it cannot be written.
    public func saveWeights(to path: String, metadata: [String: String]? = nil) throws {
        try SafeTensorsFile.write(stateDict, metadata: metadata, to: path)
    }
}
