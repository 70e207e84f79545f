import ConvoyNN
import ConvoyTensor

/// Turns a checked `ONNXModelFile` into Convoy graph nodes for frames of one size, node by node in
/// file order (ONNX requires that order, so a cyclic graph fails where a node reads a value no
/// earlier node made).
///
/// Each ONNX value becomes an `ONNXValue`: a constant (initializers, `Constant` nodes, and
/// whatever only constants and shapes feed — the shape arithmetic exporters write, folded here
/// with the frame size known) or a run-time tensor, the output of a Convoy node. Operators are
/// switched on the file's operator set in one place each (`ONNXImporter+Layers.swift`,
/// `ONNXImporter+Folding.swift`).
struct ONNXImporter {
    /// What one Convoy node came from, for `convoy model`.
    struct NodeInfo {
        /// The ONNX operator.
        var type: String
        /// Learnable parameters (weights and biases, not batch-norm statistics).
        var parameters: Int
        /// Multiply-adds per output pixel of the node (convolutions and heads).
        var multiplyAdds: Int
    }

    let file: ONNXModelFile
    /// The frame size the graph is built for.
    let height: Int
    let width: Int
    /// The name the first layers read: `Graph.inputName`, or the normalisation node.
    let inputNode: String
    let reader: ONNXTensorReader

    var values: [String: ONNXValue] = [:]
    var nodes: [Graph.Node] = []
    var infos: [String: NodeInfo] = [:]
    var taken: Set<String> = [Graph.inputName, LoadedModel.normalizationNodeName]
    /// ONNX nodes that have no Convoy node: (operator, node name, what became of them).
    var folded: [(type: String, name: String, how: String)] = []
    /// For each node that runs a pattern of several ONNX nodes as one layer (`ONNXImporter+Patterns`),
    /// the nodes it replaced (the loader drops them when nothing else reads them).
    var fusedParts: [String: [String]] = [:]
    /// Whether some folded value read a size that follows the frame's (then the graph holds for
    /// this frame size only).
    var dependsOnFrameSize = false

    /// The operator types the importer takes (the standard domain).
    static let operators: Set<String> = [
        "Conv", "BatchNormalization", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "MaxPool", "AveragePool",
        "GlobalAveragePool", "Softmax", "Concat", "Add", "Sub", "Mul", "Div", "Sum", "Upsample", "Resize",
        "DepthToSpace", "Dropout", "Identity", "Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast",
        "Slice", "ConstantOfShape", "Reshape", "Transpose", "Flatten", "Gemm", "MatMul", "Clip", "Pad", "GlobalMaxPool",
        "ReduceMean", "ReduceMax", "Elu", "HardSigmoid", "HardSwish", "SpaceToDepth", "LRN", "ConvTranspose",
    ]

    init(file: ONNXModelFile, height: Int, width: Int, inputNode: String) {
        self.file = file
        self.height = height
        self.width = width
        self.inputNode = inputNode
        reader = ONNXTensorReader(directory: file.directory)
    }

    /// The opset the operators follow.
    var opset: Int { file.opset }

    /// Imports every node; then the graph outputs must be run-time values.
    mutating func run() throws {
        for (name, tensor) in file.initializers {
            values[name] = .constant(try reader.constant(tensor, role: "initializer \(MessageText.quote(name))"))
        }
        let c = file.inputDims[1] ?? 0
        let dims = [1, c, file.inputDims[2] ?? height, file.inputDims[3] ?? width]
        values[file.input.name] = .runtime(ONNXRuntimeTensor(node: inputNode, storage: Shape(dims), dims: Array(dims.prefix(file.inputRank)),
                                                             followsFrame: file.inputRank == 4))
        // Every node Convoy cannot run is gathered, so that one error lists them all: unknown
        // operators, and known ones used in a way Convoy does not run. What such a node would
        // have made is unavailable, and the known operators that read it are passed over.
        var problems: [ONNXUnsupportedNode] = []
        var unavailable: Set<String> = []
        for (index, node) in file.model.graph.node.enumerated() {
            let label = node.name.isEmpty ? (node.output.first.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(index)") : node.name
            let owner = "\(node.opType) node \(MessageText.quote(label))"
            // A known operator reading what an unrunnable node would have made cannot be judged.
            if ONNXModelFile.isKnown(node), node.input.contains(where: unavailable.contains) {
                unavailable.formUnion(node.output)
                continue
            }
            do {
                guard ONNXModelFile.isKnown(node) else {
                    throw ONNXIssue("\(owner): an operator Convoy does not know")
                }
                try importNode(node, label: label, owner: owner)
            } catch let issue as ONNXIssue where !issue.isStructural {
                let known = ONNXModelFile.isKnown(node)
                problems.append(ONNXUnsupportedNode(type: ONNXModelFile.typeName(node), name: label,
                                                    reason: known ? ONNXUnsupportedNode.reason(issue.description, owner: owner) : nil))
                unavailable.formUnion(node.output)
            } catch let error as LayerConfigurationError {
                problems.append(ONNXUnsupportedNode(type: node.opType, name: label, reason: error.description))
                unavailable.formUnion(node.output)
            }
        }
        if !problems.isEmpty {
            throw ONNXIssue(ONNXUnsupportedNode.summary(problems))
        }
    }

    /// The ONNX graph's outputs as run-time tensors, in order.
    mutating func outputs() throws -> [(name: String, tensor: ONNXRuntimeTensor)] {
        var result: [(name: String, tensor: ONNXRuntimeTensor)] = []
        for output in file.model.graph.output {
            switch values[output.name] {
            case .runtime(let pending)?:
                let tensor = try materializePad(output.name, pending)
                guard tensor.shuffle == nil else {
                    throw ONNXIssue("the output \(MessageText.quote(output.name)) is a transposed view Convoy cannot write")
                }
                guard tensor.pad == nil else {
                    throw ONNXIssue("the output \(MessageText.quote(output.name)) is a Pad (Convoy runs Pad before a convolution so far)")
                }
                result.append((output.name, tensor))
            case .constant?:
                throw ONNXIssue("the output \(MessageText.quote(output.name)) does not depend on the input")
            case nil:
                throw ONNXIssue("the output \(MessageText.quote(output.name)) is made by no node")
            }
        }
        guard !result.isEmpty else {
            throw ONNXIssue("the graph has no outputs")
        }
        return result
    }

    // MARK: - Reading inputs

    /// Input `index` of `node`, or nil when it is absent (past the end, or an empty name).
    func value(_ node: ONNXNodeProto, _ index: Int, owner: String) throws -> ONNXValue? {
        guard index < node.input.count, !node.input[index].isEmpty else { return nil }
        guard let value = values[node.input[index]] else {
            throw ONNXIssue("\(owner) reads \(MessageText.quote(node.input[index])), which no earlier node makes (the graph is out of order or cyclic)",
                            structural: true)
        }
        return value
    }

    func constant(_ node: ONNXNodeProto, _ index: Int, owner: String, what: String) throws -> ONNXConstant? {
        switch try value(node, index, owner: owner) {
        case nil: return nil
        case .constant(let constant)?: return constant
        case .runtime?: throw ONNXIssue("\(owner): its \(what) must be known at load, not computed from the frames")
        }
    }

    func requiredConstant(_ node: ONNXNodeProto, _ index: Int, owner: String, what: String) throws -> ONNXConstant {
        guard let constant = try constant(node, index, owner: owner, what: what) else {
            throw ONNXIssue("\(owner) lacks its \(what) (input \(index + 1))")
        }
        return constant
    }

    /// Input `index` as a run-time tensor a layer can read: a pending Pad becomes a Pad2d node and
    /// a flattened map a Flatten node here, once (the value then names the new node).
    mutating func layerInput(_ node: ONNXNodeProto, _ index: Int, owner: String) throws -> ONNXRuntimeTensor {
        switch try value(node, index, owner: owner) {
        case .runtime(var tensor)?:
            tensor = try materializePad(node.input[index], tensor)
            if !tensor.isLayerReadable, tensor.shuffle == nil, tensor.pad == nil, tensor.rank == 2,
               tensor.dims[1] == tensor.storage.c * tensor.storage.h * tensor.storage.w {
                let layer = Flatten()
                let shape = try layer.validatedOutputShape(for: tensor.storage)
                let name = uniqueName(node.input[index])
                nodes.append(Graph.Node(name: name, operation: .layer(layer), inputs: [tensor.node]))
                infos[name] = NodeInfo(type: "Flatten", parameters: 0, multiplyAdds: 0)
                tensor = ONNXRuntimeTensor(node: name, storage: shape, dims: [1, shape.c], followsFrame: false)
                values[node.input[index]] = .runtime(tensor)
            }
            guard tensor.isLayerReadable else {
                throw ONNXIssue("\(owner) reads \(MessageText.quote(node.input[index])) as \(MessageText.dims(tensor.dims)), a view of \(MessageText.dims(tensor.storage.dims)) that Convoy's layers cannot take")
            }
            return tensor
        case .constant?:
            throw ONNXIssue("\(owner): input \(index + 1) is a constant where Convoy expects the frames' data")
        case nil:
            throw ONNXIssue("\(owner) lacks input \(index + 1)")
        }
    }

    /// A pending Pad as a Pad2d node (once: `valueName` then names it); other values as they are.
    mutating func materializePad(_ valueName: String, _ tensor: ONNXRuntimeTensor) throws -> ONNXRuntimeTensor {
        guard let pad = tensor.pad, tensor.shuffle == nil else { return tensor }
        let mode: PadMode = pad.border == .reflect ? .reflect : pad.border == .replicate ? .edge : .constant(pad.value)
        let layer = Pad2d(rows: (pad.top, pad.bottom), columns: (pad.left, pad.right), mode: mode)
        let shape = try layer.validatedOutputShape(for: tensor.storage)
        let name = uniqueName(pad.name)
        nodes.append(Graph.Node(name: name, operation: .layer(layer), inputs: [tensor.node]))
        infos[name] = NodeInfo(type: "Pad", parameters: 0, multiplyAdds: 0)
        let padded = ONNXRuntimeTensor(node: name, storage: shape, dims: shape.dims, followsFrame: tensor.followsFrame)
        values[valueName] = .runtime(padded)
        return padded
    }

    // MARK: - Writing results

    /// Names output `index` of `node` as `value`.
    mutating func define(_ node: ONNXNodeProto, _ value: ONNXValue, index: Int = 0) {
        if index < node.output.count, !node.output[index].isEmpty {
            values[node.output[index]] = value
        }
    }

    /// A fresh Convoy node name based on `base`.
    mutating func uniqueName(_ base: String) -> String {
        var name = base.isEmpty ? "node" : base
        var suffix = 1
        while taken.contains(name) {
            suffix += 1
            name = "\(base)#\(suffix)"
        }
        taken.insert(name)
        return name
    }

    /// Adds a layer node reading `input`, named after the node's first output; defines that output.
    @discardableResult
    mutating func emit(_ node: ONNXNodeProto, _ layer: Layer, reading input: ONNXRuntimeTensor, info: NodeInfo,
                       dims: (([Int], Shape) -> [Int])? = nil, followsFrame: Bool? = nil) throws -> ONNXRuntimeTensor {
        let shape = try layer.validatedOutputShape(for: input.storage)
        let name = uniqueName(node.output.first ?? node.opType)
        nodes.append(Graph.Node(name: name, operation: .layer(layer), inputs: [input.node]))
        infos[name] = info
        let logical = dims?(input.dims, shape) ?? Array(shape.dims.prefix(max(input.rank, 2)))
        let tensor = ONNXRuntimeTensor(node: name, storage: shape, dims: logical, followsFrame: followsFrame ?? input.followsFrame)
        define(node, .runtime(tensor))
        return tensor
    }

    /// Adds a merge node reading `inputs`; defines the node's first output.
    @discardableResult
    mutating func emitMerge(_ node: ONNXNodeProto, _ merge: MergeLayer, reading inputs: [ONNXRuntimeTensor], type: String) throws -> ONNXRuntimeTensor {
        let shape = try merge.validatedOutputShape(for: inputs.map(\.storage))
        let name = uniqueName(node.output.first ?? node.opType)
        nodes.append(Graph.Node(name: name, operation: .merge(merge), inputs: inputs.map(\.node)))
        infos[name] = NodeInfo(type: type, parameters: 0, multiplyAdds: 0)
        let tensor = ONNXRuntimeTensor(node: name, storage: shape, dims: Array(shape.dims.prefix(inputs[0].rank)),
                                       followsFrame: inputs.contains { $0.followsFrame })
        define(node, .runtime(tensor))
        return tensor
    }

    /// Records a node that has no Convoy node of its own.
    mutating func fold(_ node: ONNXNodeProto, label: String, _ value: ONNXValue, how: String) {
        define(node, value)
        folded.append((node.opType, label, how))
    }

    // MARK: - Dispatch

    private mutating func importNode(_ node: ONNXNodeProto, label: String, owner: String) throws {
        let attributes = ONNXAttributes(node, owner: owner)
        // Nodes that only constants feed are folded, whatever their operator.
        let inputs = try (0..<node.input.count).map { try value(node, $0, owner: owner) }
        let constantOnly = node.opType != "Shape" && inputs.allSatisfy {
            if case .runtime? = $0 { return false }
            return true
        }
        if constantOnly && node.opType != "Constant" && node.opType != "ConstantOfShape" && !node.input.isEmpty,
           let result = try foldConstant(node, inputs: inputs.map { value -> ONNXConstant? in
               if case .constant(let constant)? = value { return constant }
               return nil
           }, attributes: attributes, owner: owner) {
            fold(node, label: label, .constant(result), how: "constant")
            return
        }
        try importOperator(node, label: label, attributes: attributes, owner: owner)
    }
}
