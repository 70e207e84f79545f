import ConvoyTensor

/// A node of an ONNX graph that Convoy cannot run: an operator it does not know (no `reason`),
/// or a known one used in a way it does not run (dilated pooling, a softmax over H, …).
struct ONNXUnsupportedNode: Equatable {
    /// The operator type, with its domain in front unless it is the standard one.
    let type: String
    /// The node's name (its first output's, or `#index`, when it has none).
    let name: String
    /// What Convoy cannot do with this use of a known operator; nil for an unknown operator.
    let reason: String?

    /// How many nodes of one type the message names.
    static let namesShown = 3

    /// `text` without the `owner` it starts with (`MaxPool node "p": dilated pooling` → `dilated
    /// pooling`; `… node "p" lacks input 1` → `lacks input 1`).
    static func reason(_ text: String, owner: String) -> String {
        for prefix in [owner + ": ", owner + " "] where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count))
        }
        return text
    }

    /// One line for them all: each operator type in the order it first appears, with its count
    /// and its first few nodes' names, each known operator's names followed by what Convoy
    /// cannot do (`"Erf" ×4 ("e1", "e2", "e3", …), "MaxPool" ×2 ("p1", "p2": dilated pooling (2, 2))`).
    static func summary(_ nodes: [ONNXUnsupportedNode]) -> String {
        var order: [String] = []
        var byType: [String: [ONNXUnsupportedNode]] = [:]
        for node in nodes {
            if byType[node.type] == nil { order.append(node.type) }
            byType[node.type, default: []].append(node)
        }
        let parts = order.map { type -> String in
            let all = byType[type]!
            // Names that share a reason are listed together, the reason after them.
            var groups: [(names: [String], reason: String?)] = []
            for node in all.prefix(namesShown) {
                let name = MessageText.quote(node.name, limit: 40)
                if let last = groups.last, last.reason == node.reason {
                    groups[groups.count - 1].names.append(name)
                } else {
                    groups.append(([name], node.reason))
                }
            }
            let listed = groups.map { group in
                group.names.joined(separator: ", ") + (group.reason.map { ": " + $0 } ?? "")
            }.joined(separator: "; ")
            let more = all.count > namesShown ? ", …" : ""
            return "\(MessageText.quote(type, limit: 40)) ×\(all.count) (\(listed)\(more))"
        }
        let what = order.count == 1 ? "the operator" : "\(order.count) operator types"
        return "Convoy cannot run \(what) \(parts.joined(separator: ", "))"
    }
}
