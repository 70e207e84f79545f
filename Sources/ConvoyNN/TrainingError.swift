/// A model cannot be trained as it is: a node whose layer has no backward pass.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// `node` runs a layer (`layer`, its type) that cannot compute gradients; `reason` says why.
    case notDifferentiable(node: String, layer: String, reason: String)

    /// One line naming the node and what is wrong.
    public var description: String {
        switch self {
        case .notDifferentiable(let node, let layer, let reason):
            return "graph node '\(node)' (\(layer)) cannot be trained: \(reason)"
        }
    }
}
