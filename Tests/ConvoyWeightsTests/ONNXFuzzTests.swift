import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Thousands of mutated `.onnx` files (truncated, bytes flipped or overwritten, huge lengths
/// inserted, slices repeated): each must load — and then size and run — or throw a `ModelError`
/// with one line naming the file; never crash or hang.
final class ONNXFuzzTests: XCTestCase {
    func testMutatedFilesFailCleanly() throws {
        let directory = try ONNXTestRun.fixtures()
        let originals = try ["classifier_opset13", "conv_bn_relu", "pixel_shuffle_reshape", "resize_opset13_sizes", "activations"].map {
            try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0).onnx"))
        }
        var generator = SeededGenerator(seed: 2026)
        var loaded = 0, refused = 0
        for round in 0..<3000 {
            var bytes = [UInt8](originals[round % originals.count])
            let mutations = Int.random(in: 1...4, using: &generator)
            for _ in 0..<mutations {
                let position = Int.random(in: 0..<max(bytes.count, 1), using: &generator)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: bytes = Array(bytes.prefix(position))
                case 1 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                case 2 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 3: bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: min(position, bytes.count))
                case 4:
                    let length = Int.random(in: 1...16, using: &generator)
                    bytes.insert(contentsOf: bytes[position..<min(position + length, bytes.count)], at: position)
                default:
                    if position + 1 < bytes.count { bytes.swapAt(position, position + 1) }
                }
            }
            let name = "fuzz\(round).onnx"
            do {
                let model = try ONNXLoader.load(data: Data(bytes), path: name, frameSize: SpatialPair(y: 6, x: 5))
                loaded += 1
                if let shapes = try? model.outputShapes(batch: 1, height: 6, width: 5), shapes.allSatisfy({ $0.count < 1 << 20 }) {
                    _ = model.forward(Tensor(shape: Shape(1, model.inputChannels, 6, 5)), context: ExecutionContext())
                }
            } catch let error as ModelError {
                refused += 1
                XCTAssertTrue(error.description.hasPrefix(name + ": "), error.description)
                XCTAssertFalse(error.description.contains("\n"), error.description)
            }
        }
        XCTAssertGreaterThan(refused, 1000)
        print("ONNX fuzz: 3000 mutated files, \(loaded) loaded, \(refused) refused in one line")
    }
}
