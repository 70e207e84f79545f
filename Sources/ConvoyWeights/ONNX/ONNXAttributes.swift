import ConvoyTensor

/// A node's attributes by name, with typed look-ups that throw an `ONNXIssue` naming the node
/// when an attribute has the wrong type.
struct ONNXAttributes {
    private let byName: [String: ONNXAttributeProto]
    /// How the node is named in messages (`Conv node "conv1"`).
    let owner: String

    init(_ node: ONNXNodeProto, owner: String) {
        var byName: [String: ONNXAttributeProto] = [:]
        for attribute in node.attribute {
            byName[attribute.name] = attribute
        }
        self.byName = byName
        self.owner = owner
    }

    /// Whether the node sets `name`.
    func has(_ name: String) -> Bool { byName[name] != nil }

    /// The attribute names the node sets.
    var names: [String] { byName.keys.sorted() }

    private func attribute(_ name: String, _ kinds: [ONNXAttributeProto.AttributeType], _ expected: String) throws -> ONNXAttributeProto? {
        guard let attribute = byName[name] else { return nil }
        // Writers before IR version 4 may leave the type out; then the value fields decide.
        guard !attribute.hasType || attribute.type == .undefined || kinds.contains(attribute.type) else {
            throw ONNXIssue("\(owner): attribute \(MessageText.quote(name)) must be \(expected)")
        }
        return attribute
    }

    func int(_ name: String) throws -> Int? {
        try attribute(name, [.int], "an integer").map { Int(clamping: $0.i) }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        try int(name) ?? value
    }

    func ints(_ name: String) throws -> [Int]? {
        try attribute(name, [.ints], "a list of integers").map { $0.ints.map { Int(clamping: $0) } }
    }

    func float(_ name: String) throws -> Float? {
        try attribute(name, [.float], "a number").map(\.f)
    }

    func float(_ name: String, default value: Float) throws -> Float {
        try float(name) ?? value
    }

    func floats(_ name: String) throws -> [Float]? {
        try attribute(name, [.floats], "a list of numbers").map(\.floats)
    }

    func string(_ name: String) throws -> String? {
        try attribute(name, [.string], "a string").map { String(decoding: $0.s, as: UTF8.self) }
    }

    func string(_ name: String, default value: String) throws -> String {
        try string(name) ?? value
    }

    func tensor(_ name: String) throws -> ONNXTensorProto? {
        try attribute(name, [.tensor], "a tensor").map(\.t)
    }
}
