import ConvoyTensor

/// A `Graph` that can be trained: it runs the same node list (named nodes, merges, several
/// outputs), keeps every activation the backward pass needs, runs backward from the gradients
/// of chosen outputs, and exposes the learnable parameters with their gradients.
///
/// ```swift
/// let graph = try TrainableGraph(nodes: nodes, outputs: ["out"])
/// let optimizer = SGD(learningRate: 0.01, momentum: 0.9)
/// for (input, target) in batches {                       // [N, C, H, W] each
///     let outputs = graph.forward(input, context: context)
///     let gradient = Tensor(shape: outputs[0].shape)
///     let loss = Loss.mse.evaluate(prediction: outputs[0], target: target, gradient: gradient)
///     graph.zeroGradients()
///     graph.backward(outputGradients: [gradient], context: context)
///     optimizer.step(graph.parameters)
/// }
/// ```
///
/// Every node must run a `DifferentiableLayer` or `DifferentiableMergeLayer` (a `Conv2d` without
/// fused activation). Unlike `Graph`, no buffers are shared: each node keeps its own activation
/// and gradient buffer (each grows to the largest batch seen), so memory is about twice the sum
/// of all activations of a batch. Parameters are the layers' own tensors: an optimizer updates
/// them in place and the next `forward` uses the new values.
///
/// One graph must not run on two threads at once.
public final class TrainableGraph {
    /// One learnable tensor.
    public struct Parameter {
        /// The PyTorch state-dict name, `<node name>.<suffix>` (`conv1.weight`, `conv1.bias`).
        public let name: String
        /// The values, updated in place by optimizers; the layer reads them.
        public let value: Tensor
        /// The gradient of the loss with respect to `value`, same shape; `backward` adds to it,
        /// `zeroGradients()` clears it.
        public let gradient: Tensor

        /// A parameter over existing tensors (the graph makes its own; optimizers accept any).
        ///
        /// - Precondition: `value` and `gradient` have the same shape.
        public init(name: String, value: Tensor, gradient: Tensor) {
            precondition(value.shape == gradient.shape, "Parameter \(name): gradient \(gradient.shape) must be \(value.shape)")
            self.name = name
            self.value = value
            self.gradient = gradient
        }
    }

    /// The nodes, in execution order (as for `Graph`).
    public let nodes: [Graph.Node]
    /// The names of the tensors `forward` returns, in order.
    public let outputs: [String]
    /// Every learnable tensor of the graph, in node order.
    public let parameters: [Parameter]

    private let graph: Graph
    private let sources: [[Int]]
    private let outputSources: [Int]
    private let live: [Bool]
    /// For each node, the indices of its parameters in `parameters`.
    private let parameterIndices: [[Int]]
    /// For each node, whether it or a node before it has parameters, i.e. whether the gradient
    /// of its output leads to any parameter (the input normalisation's does not, so the first
    /// convolution skips its input gradient).
    private let needsGradient: [Bool]
    private var activationStorages: [TensorStorage?]
    private var gradientStorages: [TensorStorage?]
    private var activations: [Tensor?]
    private var lastInput: Tensor?

    /// Creates a trainable graph, checking its structure as `Graph` does.
    ///
    /// - Throws: `GraphError` for a bad structure; `TrainingError.notDifferentiable` naming the
    ///   first node whose layer has no backward pass.
    public init(nodes: [Graph.Node], outputs: [String]) throws {
        graph = try Graph(nodes: nodes, outputs: outputs)
        var indices: [String: Int] = [:]
        var sources: [[Int]] = []
        var parameters: [Parameter] = []
        var parameterIndices: [[Int]] = []
        for (index, node) in nodes.enumerated() {
            sources.append(node.inputs.map { $0 == Graph.inputName ? -1 : indices[$0]! })
            indices[node.name] = index
            var own: [Int] = []
            switch node.operation {
            case .layer(let layer):
                guard let differentiable = layer as? DifferentiableLayer else {
                    throw TrainingError.notDifferentiable(node: node.name, layer: String(describing: type(of: layer)),
                                                          reason: "the layer has no backward pass")
                }
                if let convolution = layer as? Conv2d, convolution.activation != .none || convolution.fusedMaxPool {
                    throw TrainingError.notDifferentiable(node: node.name, layer: "Conv2d",
                                                          reason: "the convolution has a fused activation or pool; keep it as its own node")
                }
                for parameter in differentiable.parameters {
                    own.append(parameters.count)
                    parameters.append(Parameter(name: node.name + "." + parameter.name, value: parameter.value,
                                                gradient: Tensor(shape: parameter.value.shape)))
                }
            case .merge(let merge):
                guard merge is DifferentiableMergeLayer else {
                    throw TrainingError.notDifferentiable(node: node.name, layer: String(describing: type(of: merge)),
                                                          reason: "the merge has no backward pass")
                }
            }
            parameterIndices.append(own)
        }
        let outputSources = outputs.map { $0 == Graph.inputName ? -1 : indices[$0]! }
        let live = Graph.liveNodes(sources: sources, outputSources: outputSources)
        self.nodes = nodes
        self.outputs = outputs
        self.parameters = parameters
        self.sources = sources
        self.outputSources = outputSources
        self.live = live
        self.parameterIndices = parameterIndices
        var needsGradient = [Bool](repeating: false, count: nodes.count)
        for index in nodes.indices {
            needsGradient[index] = !parameterIndices[index].isEmpty || sources[index].contains { $0 >= 0 && needsGradient[$0] }
        }
        self.needsGradient = needsGradient
        activationStorages = Array(repeating: nil, count: nodes.count)
        gradientStorages = Array(repeating: nil, count: nodes.count)
        activations = Array(repeating: nil, count: nodes.count)
    }

    /// Every node's output shape for an input of shape `input`, keyed by node name.
    ///
    /// - Throws: `GraphError.invalidNode` naming the first node that rejects its input.
    public func shapes(for input: Shape) throws -> [String: Shape] {
        try graph.shapes(for: input)
    }

    /// The shapes of the outputs, in `outputs` order, for an input of shape `input`.
    public func outputShapes(for input: Shape) throws -> [Shape] {
        try graph.outputShapes(for: input)
    }

    /// The parameters by name.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// Runs the graph on `input` (`[batch, channels, height, width]`) and returns the outputs in
    /// `outputs` order, keeping every activation for `backward`.
    ///
    /// The returned tensors view the graph's buffers and are overwritten by the next call. The
    /// graph keeps a reference to `input`: do not change it before `backward`.
    ///
    /// - Precondition: the input fits every node (check once with `shapes(for:)`).
    public func forward(_ input: Tensor, context: ExecutionContext) -> [Tensor] {
        lastInput = input
        for (index, node) in nodes.enumerated() where live[index] {
            let inputs = sources[index].map { $0 < 0 ? input : activations[$0]! }
            let shape: Shape
            switch node.operation {
            case .layer(let layer):
                shape = layer.outputShape(for: inputs[0].shape)
            case .merge(let merge):
                do {
                    shape = try merge.validatedOutputShape(for: inputs.map(\.shape))
                } catch {
                    preconditionFailure("TrainableGraph node '\(node.name)': \(error)")
                }
            }
            if (activationStorages[index]?.capacity ?? -1) < shape.count {
                activationStorages[index] = TensorStorage(capacity: shape.count)
            }
            let output = Tensor(shape: shape, storage: activationStorages[index]!)
            switch node.operation {
            case .layer(let layer):
                layer.forward(inputs[0], into: output, context: context)
            case .merge(let merge):
                merge.forward(inputs, into: output, context: context)
            }
            activations[index] = output
        }
        return outputSources.map { $0 < 0 ? input : activations[$0]! }
    }

    /// The activation of node `name` from the last `forward` (nil when the node did not run).
    public func activation(named name: String) -> Tensor? {
        guard let index = nodes.firstIndex(where: { $0.name == name }) else { return nil }
        return activations[index]
    }

    /// Runs the graph backwards from the gradients of the loss with respect to the outputs of
    /// the last `forward`, adding to every parameter's `gradient`. Only gradients that lead to a
    /// parameter are computed: nodes with no parameter at or before them are skipped.
    ///
    /// - Parameter outputGradients: one entry per output, in `outputs` order, shaped as that
    ///   output; `nil` for an output the loss does not use (its head is then skipped).
    /// - Precondition: `forward` ran since the parameters last changed shape, with the input
    ///   still unchanged.
    public func backward(outputGradients: [Tensor?], context: ExecutionContext) {
        precondition(outputGradients.count == outputs.count,
                     "TrainableGraph.backward needs \(outputs.count) output gradients, got \(outputGradients.count)")
        guard let input = lastInput else {
            preconditionFailure("TrainableGraph.backward called before forward")
        }
        var reached = [Bool](repeating: false, count: nodes.count)
        var gradients = [Tensor?](repeating: nil, count: nodes.count)
        func gradient(of index: Int) -> Tensor {
            if let existing = gradients[index] {
                return existing
            }
            let shape = activations[index]!.shape
            if (gradientStorages[index]?.capacity ?? -1) < shape.count {
                gradientStorages[index] = TensorStorage(capacity: shape.count)
            }
            let tensor = Tensor(shape: shape, storage: gradientStorages[index]!)
            tensor.fill(0)
            gradients[index] = tensor
            return tensor
        }
        for (position, source) in outputSources.enumerated() where source >= 0 && needsGradient[source] {
            guard let given = outputGradients[position] else { continue }
            let target = gradient(of: source)
            precondition(given.shape == target.shape,
                         "Gradient of output '\(outputs[position])' is \(given.shape), the output is \(target.shape)")
            let from = given.pointer, to = target.pointer
            for i in 0..<target.count { to[i] += from[i] }
            reached[source] = true
        }
        for index in nodes.indices.reversed() where live[index] && reached[index] && needsGradient[index] {
            let outputGradient = gradients[index]!
            let output = activations[index]!
            let inputs = sources[index].map { $0 < 0 ? input : activations[$0]! }
            let inputGradients: [Tensor?] = sources[index].map { source in
                guard source >= 0, needsGradient[source] else { return nil }
                reached[source] = true
                return gradient(of: source)
            }
            switch nodes[index].operation {
            case .layer(let layer):
                let parameterGradients = parameterIndices[index].map { parameters[$0].gradient }
                (layer as! DifferentiableLayer).backward(
                    input: inputs[0], output: output, outputGradient: outputGradient, inputGradient: inputGradients[0],
                    parameterGradients: parameterGradients, context: context
                )
            case .merge(let merge):
                (merge as! DifferentiableMergeLayer).backward(
                    inputs: inputs, output: output, outputGradient: outputGradient, inputGradients: inputGradients,
                    context: context
                )
            }
        }
    }

    /// Sets every parameter's gradient to zero (PyTorch's `zero_grad`).
    public func zeroGradients() {
        for parameter in parameters {
            parameter.gradient.fill(0)
        }
    }
}
