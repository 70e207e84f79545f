import ConvoyTensor

/// A model as a directed acyclic graph of named layers with any number of named outputs (for
/// instance a shared trunk with several heads, skip connections, residual additions).
///
/// Every node has a unique name, an operation (a single-input `Layer` or a `MergeLayer`) and the
/// names of its inputs: `Graph.inputName` for the graph's input tensor, or nodes defined earlier
/// in the list (so the list is already in a valid execution order and cannot have cycles).
/// Every tensor is NCHW, `[batch, channels, height, width]`.
///
/// ```swift
/// let graph = try Graph(nodes: [
///     .init(name: "conv", operation: .layer(conv), inputs: [Graph.inputName]),
///     .init(name: "relu", operation: .layer(ReLU()), inputs: ["conv"]),
///     .init(name: "skip", operation: .merge(Concat()), inputs: ["relu", Graph.inputName]),
/// ], outputs: ["skip", "relu"])
/// ```
///
/// Buffers: `forward` keeps the intermediate results in buffers owned by the graph and kept
/// between calls. Which node uses which buffer is planned once, at `init`: a buffer is given back
/// as soon as the last node reading it has run, and an `InPlaceLayer` whose input nothing else
/// reads later overwrites that input's buffer. A buffer grows to the largest batch it has held,
/// so once the largest batch has been seen, further batches (a smaller last one too) allocate
/// nothing. Nodes no output depends on are not run. Because of these buffers one graph must not
/// run on two threads at once.
public final class Graph {
    /// What a node computes.
    public enum Operation {
        /// A single-input layer.
        case layer(Layer)
        /// A layer combining two or more inputs.
        case merge(MergeLayer)
    }

    /// One named step of the graph.
    public struct Node {
        /// The node's name, unique in the graph; its output is read by this name.
        public let name: String
        /// The layer run by the node.
        public let operation: Operation
        /// The names of the tensors the node reads, in order: `Graph.inputName` or earlier nodes.
        public let inputs: [String]

        /// Creates a node.
        public init(name: String, operation: Operation, inputs: [String]) {
            self.name = name
            self.operation = operation
            self.inputs = inputs
        }
    }

    /// The name by which nodes and outputs refer to the graph's input tensor.
    public static let inputName = "input"

    /// The nodes, in execution order.
    public let nodes: [Node]

    /// The names of the tensors `forward` returns, in order (nodes, or `Graph.inputName`).
    public let outputs: [String]

    /// For each node, where each of its inputs comes from: a node index, or -1 for the input.
    private let sources: [[Int]]
    /// For each output, a node index, or -1 for the input.
    private let outputSources: [Int]
    /// For each node, whether some output depends on it.
    private let live: [Bool]
    /// For each live node, the buffer it writes; -1 for nodes that do not run.
    private let slots: [Int]
    /// The buffers, allocated by the first `forward` that needs them.
    private var storages: [TensorStorage?]
    /// The runs of nodes computed as one `BlockedChain` with the `.blocked` engine, by first node.
    private let blockedRuns: [Int: BlockedRun]

    /// Creates a graph, checking its structure.
    ///
    /// - Throws: `GraphError` when a node name is empty, repeated or `Graph.inputName`; a node
    ///   reads a name that is not the input or an earlier node; a layer node does not have
    ///   exactly one input or a merge node has fewer than two; `outputs` is empty or names an
    ///   unknown node.
    public init(nodes: [Node], outputs: [String]) throws {
        var indices: [String: Int] = [:]
        var sources: [[Int]] = []
        for (index, node) in nodes.enumerated() {
            guard !node.name.isEmpty else {
                throw GraphError.emptyNodeName(index: index)
            }
            guard node.name != Graph.inputName, indices[node.name] == nil else {
                throw GraphError.duplicateName(node.name)
            }
            switch node.operation {
            case .layer:
                guard node.inputs.count == 1 else {
                    throw GraphError.layerInputCount(node: node.name, count: node.inputs.count)
                }
            case .merge:
                guard node.inputs.count >= 2 else {
                    throw GraphError.mergeInputCount(node: node.name, count: node.inputs.count)
                }
            }
            sources.append(try node.inputs.map { name in
                if name == Graph.inputName {
                    return -1
                }
                guard let source = indices[name] else {
                    throw GraphError.unknownInput(node: node.name, input: name)
                }
                return source
            })
            indices[node.name] = index
        }
        guard !outputs.isEmpty else {
            throw GraphError.noOutputs
        }
        outputSources = try outputs.map { name in
            if name == Graph.inputName {
                return -1
            }
            guard let source = indices[name] else {
                throw GraphError.unknownOutput(name)
            }
            return source
        }
        self.nodes = nodes
        self.outputs = outputs
        self.sources = sources

        // Liveness: a node runs when an output depends on it; its buffer is free once the last
        // node reading it has run (never, for outputs).
        let live = Graph.liveNodes(sources: sources, outputSources: outputSources)
        var lastReader = [Int](repeating: -1, count: nodes.count)
        for index in nodes.indices where live[index] {
            for source in sources[index] where source >= 0 {
                lastReader[source] = index
            }
        }
        for source in outputSources where source >= 0 {
            lastReader[source] = Int.max
        }

        var slots = [Int](repeating: -1, count: nodes.count)
        var free: [Int] = []
        var slotCount = 0
        for index in nodes.indices where live[index] {
            if case .layer(let layer) = nodes[index].operation, layer is InPlaceLayer,
               let source = sources[index].first, source >= 0, lastReader[source] == index {
                slots[index] = slots[source]
                continue
            }
            if let slot = free.popLast() {
                slots[index] = slot
            } else {
                slots[index] = slotCount
                slotCount += 1
            }
            for source in Set(sources[index]) where source >= 0 && lastReader[source] == index {
                free.append(slots[source])
            }
        }
        self.live = live
        self.slots = slots
        storages = Array(repeating: nil, count: slotCount)
        let runs = Graph.blockedRuns(nodes: nodes, sources: sources, outputSources: outputSources, live: live, slots: slots)
        blockedRuns = Dictionary(uniqueKeysWithValues: runs.map { ($0.nodes.lowerBound, $0) })
    }

    /// The number of buffers `forward` uses (fewer than the nodes when buffers are shared).
    public var bufferCount: Int { storages.count }

    /// The buffers allocated so far (for inspection and tests).
    public var buffers: [TensorStorage] { storages.compactMap { $0 } }

    /// Every node's output shape for an input of shape `input`, keyed by node name (all nodes,
    /// including those no output depends on).
    ///
    /// - Throws: `GraphError.invalidNode` naming the first node that rejects its input shape(s)
    ///   (wrong rank, wrong channel count, too small, …), with the layer's error.
    public func shapes(for input: Shape) throws -> [String: Shape] {
        var shapes: [Shape] = []
        var byName: [String: Shape] = [:]
        for (index, node) in nodes.enumerated() {
            let inputs = sources[index].map { $0 < 0 ? input : shapes[$0] }
            let shape: Shape
            do {
                switch node.operation {
                case .layer(let layer):
                    shape = try layer.validatedOutputShape(for: inputs[0])
                case .merge(let merge):
                    shape = try merge.validatedOutputShape(for: inputs)
                }
            } catch let error as LayerConfigurationError {
                throw GraphError.invalidNode(node: node.name, error: error)
            }
            shapes.append(shape)
            byName[node.name] = shape
        }
        return byName
    }

    /// The shapes of the outputs, in `outputs` order, for an input of shape `input`.
    ///
    /// - Throws: as `shapes(for:)`.
    public func outputShapes(for input: Shape) throws -> [Shape] {
        let shapes = try self.shapes(for: input)
        return outputs.map { $0 == Graph.inputName ? input : shapes[$0]! }
    }

    /// Runs the graph on `input` (`[batch, channels, height, width]`) and returns the outputs in
    /// `outputs` order (an output naming `Graph.inputName` returns `input` itself).
    ///
    /// The returned tensors view the graph's own buffers: they stay valid until the next call to
    /// `forward`, which overwrites them. `input` must not be one of them.
    ///
    /// - Precondition: the input fits every node (check once with `shapes(for:)`).
    public func forward(_ input: Tensor, context: ExecutionContext) -> [Tensor] {
        precondition(!storages.contains { $0 === input.storage }, "Graph input must not be one of the graph's own buffers")
        let shapes = nodeShapes(for: input.shape)
        let chains = blockedChains(shapes: shapes, input: input.shape, context: context)
        // Nodes inside a chained run write nothing: only the run's last node has a buffer.
        var skipped = [Bool](repeating: false, count: nodes.count)
        for (first, _) in chains { for index in blockedRuns[first]!.nodes.dropLast() { skipped[index] = true } }
        var needed = [Int](repeating: 0, count: storages.count)
        for index in nodes.indices where live[index] && !skipped[index] {
            needed[slots[index]] = max(needed[slots[index]], shapes[index]!.count)
        }
        for (slot, count) in needed.enumerated() where (storages[slot]?.capacity ?? -1) < count {
            storages[slot] = TensorStorage(capacity: count)
        }

        var tensors = [Tensor?](repeating: nil, count: nodes.count)
        for (index, node) in nodes.enumerated() where live[index] && !skipped[index] {
            let output = Tensor(shape: shapes[index]!, storage: storages[slots[index]]!)
            let source = sources[index][0]
            if let run = chains.first(where: { blockedRuns[$0.first]!.nodes.upperBound == index }) {
                let first = blockedRuns[run.first]!
                let runSource = sources[first.nodes.lowerBound][0]
                first.forward(runSource < 0 ? input : tensors[runSource]!, into: output, chains: run.chains)
                tensors[index] = output
                continue
            }
            switch node.operation {
            case .layer(let layer):
                layer.forward(source < 0 ? input : tensors[source]!, into: output, context: context)
            case .merge(let merge):
                merge.forward(sources[index].map { $0 < 0 ? input : tensors[$0]! }, into: output, context: context)
            }
            tensors[index] = output
        }
        return outputSources.map { $0 < 0 ? input : tensors[$0]! }
    }

    /// Every live node's output shape for an input of `input` (nil for nodes that do not run).
    private func nodeShapes(for input: Shape) -> [Shape?] {
        var shapes = [Shape?](repeating: nil, count: nodes.count)
        for (index, node) in nodes.enumerated() where live[index] {
            let inputs = sources[index].map { $0 < 0 ? input : shapes[$0]! }
            switch node.operation {
            case .layer(let layer):
                shapes[index] = layer.outputShape(for: inputs[0])
            case .merge(let merge):
                do {
                    shapes[index] = try merge.validatedOutputShape(for: inputs)
                } catch {
                    preconditionFailure("Graph node '\(node.name)': \(error)")
                }
            }
        }
        return shapes
    }

    /// The chains of every blocked run that oneDNN computes for these shapes, by the run's first
    /// node; none with the `.im2col` engine.
    private func blockedChains(shapes: [Shape?], input: Shape, context: ExecutionContext) -> [(first: Int, chains: BlockedRunChains)] {
        guard context.convolutionEngine == .blocked else { return [] }
        return blockedRuns.values.sorted { $0.nodes.lowerBound < $1.nodes.lowerBound }.compactMap { run in
            let first = run.nodes.lowerBound
            guard live[first] else { return nil }
            let source = sources[first][0]
            guard let chains = run.chains(for: source < 0 ? input : shapes[source]!, context: context) else { return nil }
            return (first, chains)
        }
    }
}

extension Graph {
    /// For each node, whether an output depends on it: `sources[i]` are node `i`'s input nodes
    /// (-1 for the graph's input), `outputSources` the outputs' nodes, nodes in execution order.
    static func liveNodes(sources: [[Int]], outputSources: [Int]) -> [Bool] {
        var live = [Bool](repeating: false, count: sources.count)
        for source in outputSources where source >= 0 {
            live[source] = true
        }
        for index in sources.indices.reversed() where live[index] {
            for source in sources[index] where source >= 0 {
                live[source] = true
            }
        }
        return live
    }
}
