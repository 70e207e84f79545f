import ConvoyNN
import ConvoyTensor
@testable import ConvoyWeights
import Foundation
import FuzzDriver

/// Any text as a model file: it must be refused with a one-line `ModelError`, or parse, load
/// with weights of the shapes it asks for (small ones only), describe itself and run on a 12×16
/// frame giving the shapes it promised.
@main
enum FuzzModelYAML {
    /// Models whose weights or activations would exceed this many floats are parsed and loaded
    /// only as far as their size allows (the fuzzer looks for crashes, not for big models).
    static let floatBudget = 4_000_000

    static func main() {
        Fuzzer.run { data in
            let text = String(decoding: data, as: UTF8.self)
            do {
                let spec = try ModelSpec.parse(text, name: "fuzz.yaml")
                guard spec.onnx == nil else { return }
                var records: [SafeTensorsRecord] = []
                var total = 0
                for layer in spec.layers {
                    for tensor in ModelLoader.requiredTensors(layer) {
                        let count = tensor.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
                        total = total.addingReportingOverflow(count).overflow ? Int.max : total + count
                        guard total <= floatBudget else { return }
                        let values = (0 ..< count).map { Float(($0 % 5) + 1) * 0.1 }
                        records.append(SafeTensorsRecord(name: tensor.name, tensor: Tensor(shape: Shape(tensor.shape), values: values)))
                    }
                }
                let weights = try SafeTensorsFile(data: try SafeTensorsFile.encode(records), name: "fuzz.safetensors")
                let model = try ModelLoader.load(spec: spec, weights: weights, modelName: "fuzz.yaml")
                let input = Shape(1, model.inputChannels, 12, 16)
                guard let shapes = try? model.graph.shapes(for: input),
                      shapes.values.reduce(0, { $0 + $1.count }) < floatBudget else { return }
                _ = try model.summary(inputHeight: 12, inputWidth: 16)
                let frame = Tensor(shape: input, values: (0 ..< input.count).map { Float($0 % 7) / 7 })
                let outputs = model.forward(frame, context: ExecutionContext())
                let promised = try model.outputShapes(height: 12, width: 16)
                guard outputs.map(\.shape) == promised else { Fuzzer.fail("outputs \(outputs.map(\.shape)), promised \(promised)") }
            } catch let error as ModelError {
                guard error.path == "fuzz.yaml", Fuzzer.isOneLine(error.description) else { Fuzzer.fail("bad message: \(error)") }
            } catch let error as SafeTensorsError {
                guard Fuzzer.isOneLine(error.description) else { Fuzzer.fail("bad message: \(error)") }
            } catch {
                Fuzzer.fail("unexpected error type: \(type(of: error)): \(error)")
            }
        }
    }
}
