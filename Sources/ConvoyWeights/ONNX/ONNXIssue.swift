/// A problem found while importing an ONNX file, as the rest of a one-line message; the loader
/// puts the file's name in front (`ModelError.Problem.onnx`).
struct ONNXIssue: Error, CustomStringConvertible {
    /// What is wrong, without the file name or a final full stop.
    let description: String
    /// Whether the graph itself is broken (a node reads a value no earlier node makes), so that
    /// the import stops there instead of listing the node among those Convoy cannot run.
    let isStructural: Bool

    init(_ description: String, structural: Bool = false) {
        self.description = description
        isStructural = structural
    }
}
