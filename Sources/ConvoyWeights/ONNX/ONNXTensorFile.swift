import Foundation

/// One serialized ONNX `TensorProto` in a file of its own, as ONNX's backend test data keeps
/// each input and output (`test_data_set_0/input_0.pb`), read as Float32.
public struct ONNXTensorFile: Sendable {
    /// The ONNX shape, axis by axis.
    public let dims: [Int]
    /// The elements, row-major, as Float32.
    public let values: [Float]

    /// Reads the tensor file at `path`.
    ///
    /// - Throws: `ModelError` naming the file (`.noSuchFile`, or `.onnx` with the reason).
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(path: path, problem: .noSuchFile)
        }
        let proto: ONNXTensorProto
        do {
            proto = try ONNXTensorProto(serializedBytes: data)
        } catch {
            throw ModelError(path: path, problem: .onnx("not a serialized ONNX tensor (\(error))"))
        }
        do {
            let reader = ONNXTensorReader(directory: (path as NSString).deletingLastPathComponent)
            let constant = try reader.constant(proto, role: "the tensor")
            dims = constant.dims
            values = constant.floats
        } catch let issue as ONNXIssue {
            throw ModelError(path: path, problem: .onnx(issue.description))
        }
    }
}
