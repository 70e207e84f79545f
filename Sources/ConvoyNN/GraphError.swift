import ConvoyTensor

/// A `Graph`'s nodes do not make a valid graph, or an input shape does not fit one of its nodes.
///
/// Thrown when a model comes from outside (a model file), with a one-line description naming the
/// node and what is wrong.
public enum GraphError: Error, CustomStringConvertible, Equatable {
    /// Node `index` has an empty name.
    case emptyNodeName(index: Int)
    /// Two nodes share a name, or a node is named `Graph.inputName`.
    case duplicateName(String)
    /// `node` reads `input`, which is neither the graph input nor a node defined before it.
    case unknownInput(node: String, input: String)
    /// The graph names no outputs.
    case noOutputs
    /// An output names neither the graph input nor a node.
    case unknownOutput(String)
    /// A layer node must have exactly one input.
    case layerInputCount(node: String, count: Int)
    /// A merge node must have at least two inputs.
    case mergeInputCount(node: String, count: Int)
    /// `node` rejects the shape of its input(s).
    case invalidNode(node: String, error: LayerConfigurationError)

    /// One line naming the node and what is wrong.
    public var description: String {
        switch self {
        case .emptyNodeName(let index):
            return "graph node \(index) has an empty name"
        case .duplicateName(let name):
            return name == Graph.inputName
                ? "graph node name '\(name)' is reserved for the graph input"
                : "graph node name '\(name)' is used more than once"
        case .unknownInput(let node, let input):
            return "graph node '\(node)' reads '\(input)', which is not the graph input or an earlier node"
        case .noOutputs:
            return "graph has no outputs"
        case .unknownOutput(let name):
            return "graph output '\(name)' is not a node of the graph"
        case .layerInputCount(let node, let count):
            return "graph node '\(node)' is a layer and needs exactly 1 input, got \(count)"
        case .mergeInputCount(let node, let count):
            return "graph node '\(node)' merges inputs and needs at least 2, got \(count)"
        case .invalidNode(let node, let error):
            return "graph node '\(node)': \(error)"
        }
    }
}
