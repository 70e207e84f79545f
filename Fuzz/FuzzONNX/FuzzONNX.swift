import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import FuzzDriver

/// Any bytes as an `.onnx` file (protobuf through swift-protobuf, then Convoy's importer, shape
/// folding and graph building for a 6×5 frame): it must be refused with a one-line `ModelError`
/// naming the file, or load, and run on a frame giving the shapes it promised when they are small.
@main
enum FuzzONNX {
    static func main() {
        let path = Fuzzer.scratch + "/model.onnx"
        Fuzzer.run { data in
            do {
                let model = try ONNXLoader.load(data: data, path: path, frameSize: SpatialPair(y: 6, x: 5))
                guard let promised = try? model.outputShapes(batch: 1, height: 6, width: 5),
                      let shapes = try? model.graph.shapes(for: Shape(1, model.inputChannels, 6, 5)),
                      shapes.values.reduce(0, { $0 + $1.count }) < 1 << 21 else { return }
                let outputs = model.forward(Tensor(shape: Shape(1, model.inputChannels, 6, 5)), context: ExecutionContext())
                guard outputs.map(\.shape) == promised else { Fuzzer.fail("outputs \(outputs.map(\.shape)), promised \(promised)") }
            } catch let error as ModelError {
                guard error.description.hasPrefix(path + ": "), Fuzzer.isOneLine(error.description) else {
                    Fuzzer.fail("bad message: \(error.description)")
                }
            } catch {
                Fuzzer.fail("unexpected error type: \(type(of: error)): \(error)")
            }
        }
    }
}
