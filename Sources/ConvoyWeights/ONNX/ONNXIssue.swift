/// A problem found while importing an ONNX file, as the rest of a one-line message; the loader
/// puts the file's name in front (`ModelError.Problem.onnx`).
struct ONNXIssue: Error, CustomStringConvertible {
    /// What is wrong, without the file name or a final full stop.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
