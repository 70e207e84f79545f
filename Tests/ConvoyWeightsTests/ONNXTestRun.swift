import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation

/// Runs an imported ONNX model on a stored input and compares its outputs with stored ones
/// (ONNX's backend test data, or the onnxruntime fixtures), both as `TensorProto` files.
enum ONNXTestRun {
    /// The ONNX fixtures folder (Fixtures/onnx, made by generate_onnx.py).
    static func fixtures() throws -> String {
        try TestFiles.fixture("onnx")
    }

    /// The largest difference beyond the tolerance `|a - b| <= tolerance · (1 + |b|)` between
    /// the model's outputs on `inputPath` and `expectedPaths`, or a description of a mismatch in
    /// count or size; nil when all match.
    static func mismatch(model: LoadedModel, inputPath: String, expectedPaths: [String], tolerance: Float) throws -> String? {
        let input = try ONNXTensorFile(path: inputPath)
        let dims = input.dims + Array(repeating: 1, count: max(0, 4 - input.dims.count))
        let model = try model.resolved(height: dims[2], width: dims[3])
        let tensor = Tensor(shape: Shape(dims), values: input.values)
        guard expectedPaths.count == model.outputs.count else {
            return "\(model.outputs.count) outputs, \(expectedPaths.count) expected"
        }
        _ = try model.outputShapes(batch: dims[0], height: dims[2], width: dims[3])
        let outputs = model.forward(tensor, context: ExecutionContext()).map(\.array)
        for (index, path) in expectedPaths.enumerated() {
            let expected = try ONNXTensorFile(path: path)
            guard outputs[index].count == expected.values.count else {
                return "output \(model.outputs[index]) has \(outputs[index].count) values, \(expected.values.count) expected (\(expected.dims))"
            }
            var worst: Float = 0
            for (a, b) in zip(outputs[index], expected.values) {
                let excess = abs(a - b) - tolerance * (1 + abs(b))
                if !(excess <= 0) { worst = max(worst, excess.isNaN ? .infinity : abs(a - b)) }
            }
            if worst > 0 {
                return "output \(model.outputs[index]) differs by up to \(worst)"
            }
        }
        return nil
    }

    /// `base.output_0.pb`, `base.output_1.pb`, … that exist.
    static func numberedFiles(_ prefix: String) -> [String] {
        var paths: [String] = []
        while FileManager.default.fileExists(atPath: "\(prefix)\(paths.count).pb") {
            paths.append("\(prefix)\(paths.count).pb")
        }
        return paths
    }
}
