import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// The inputs the libFuzzer harnesses once crashed on (Fuzz/Regressions/NAME, see
/// docs/RELIABILITY.md), replayed through the readers they crashed: each is now refused in one
/// line naming the file (or loads), and the ones with a known reason give it.
final class FuzzRegressionTests: XCTestCase {
    static func regressions(_ harness: String) throws -> [URL] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Regressions/\(harness)").standardized
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testONNXInputsThatCrashedAreRefusedInOneLine() throws {
        let expected = [
            // A Mul whose second input name is empty: a precondition, now the node's refusal.
            "mul-with-empty-input-name": "Mul of one input (the other's name is empty)",
        ]
        let files = try Self.regressions("FuzzONNX")
        XCTAssertGreaterThanOrEqual(files.count, expected.count)
        for file in files {
            let name = file.lastPathComponent + ".onnx"
            do {
                _ = try ONNXLoader.load(data: try Data(contentsOf: file), path: name, frameSize: SpatialPair(y: 6, x: 5))
            } catch let error as ModelError {
                XCTAssertTrue(error.description.hasPrefix(name + ": "), error.description)
                XCTAssertFalse(error.description.contains("\n"), error.description)
                if let reason = expected[file.lastPathComponent] {
                    XCTAssertTrue(error.description.contains(reason), error.description)
                }
            }
        }
    }
}
