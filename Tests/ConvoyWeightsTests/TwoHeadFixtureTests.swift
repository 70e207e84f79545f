import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// The two-head network of the ConvoyNN fixtures (numpy, float64), loaded from twohead.yaml and
/// its safetensors files, reproduces the expected outputs.
final class TwoHeadFixtureTests: XCTestCase {
    /// twohead.manifest.json, as copy_twohead.py writes it.
    private struct Manifest: Decodable {
        struct TensorFile: Decodable {
            let file: String
            let shape: [Int]
        }

        let tolerance: String
        let input: TensorFile
        let outputs: [String]
        let safetensors: [String: String]
        let extraKeys: [String]
        let expected: [String: [String: TensorFile]]

        enum CodingKeys: String, CodingKey {
            case tolerance, input, outputs, safetensors, expected
            case extraKeys = "safetensors_extra_keys"
        }
    }

    private func manifest() throws -> Manifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: try TestFiles.fixture("twohead.manifest.json")))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    private func tensor(_ entry: Manifest.TensorFile) throws -> Tensor {
        let data = try Data(contentsOf: URL(fileURLWithPath: try TestFiles.fixture(entry.file)))
        let shape = Shape(entry.shape)
        XCTAssertEqual(data.count, shape.count * 4, entry.file)
        let values = (0..<shape.count).map { index in
            data.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))) }
        }
        return Tensor(shape: shape, values: values)
    }

    private func load(_ dtype: String) throws -> LoadedModel {
        let manifest = try manifest()
        let weights = try TestFiles.fixture(try XCTUnwrap(manifest.safetensors[dtype]))
        return try ModelLoader.load(modelPath: try TestFiles.fixture("twohead.yaml"), weightsPath: weights)
    }

    /// F32, F16 and BF16 weights each reproduce the outputs numpy computed (in float64) from the
    /// same, dequantised, weights, within the fixtures' rule: 1e-4 of the output scale.
    func testReproducesExpectedOutputs() throws {
        let manifest = try manifest()
        XCTAssertEqual(manifest.tolerance, "max |got - expected| <= 1e-4 * max(1, max |expected|)")
        XCTAssertEqual(manifest.extraKeys, ["trunk.bn1.num_batches_tracked"])
        let input = try tensor(manifest.input)
        for dtype in ["F32", "F16", "BF16"] {
            let model = try load(dtype)
            XCTAssertEqual(model.outputs, manifest.outputs)
            let expected = try XCTUnwrap(manifest.expected[dtype])
            XCTAssertEqual(try model.outputShapes(batch: 2, height: 12, width: 16),
                           try manifest.outputs.map { Shape(try XCTUnwrap(expected[$0]).shape) })
            let outputs = model.forward(input, context: ExecutionContext())
            for (index, name) in manifest.outputs.enumerated() {
                assertClose(outputs[index], try tensor(try XCTUnwrap(expected[name])), tolerance: 1e-4, "\(dtype) \(name)")
            }
        }
    }

    /// Half-precision weights change the outputs only as much as their rounding can: against the
    /// F32 expectations, within 2e-3 (F16, 11-bit significands: about 4 units of 2^-11) and 1e-2
    /// (BF16, 8-bit: about 2.5 units of 2^-8) of the output scale; numpy's own outputs differ by
    /// 3.4e-4 and 2.1e-3. They do differ, so the files really hold rounded weights.
    func testHalfPrecisionWeightsStayWithinTheirRounding() throws {
        let manifest = try manifest()
        let input = try tensor(manifest.input)
        let reference = try XCTUnwrap(manifest.expected["F32"])
        for (dtype, tolerance) in [("F16", Float(2e-3)), ("BF16", Float(1e-2))] {
            let outputs = try load(dtype).forward(input, context: ExecutionContext())
            for (index, name) in manifest.outputs.enumerated() {
                let expected = try tensor(try XCTUnwrap(reference[name]))
                assertClose(outputs[index], expected, tolerance: tolerance, "\(dtype) \(name) against F32")
                XCTAssertNotEqual(outputs[index].array, expected.array, "\(dtype) \(name) should differ from F32 a little")
            }
        }
    }

    func testStructureAndSummary() throws {
        let model = try load("F32")
        // conv1 absorbs bn1, relu1 and then the 2×2 pool; conv2 absorbs relu2 (each fused node
        // takes the last name). The input is the 0 … 1 frame as it is (scale 255, no mean or
        // std), so no normalisation node copies it: conv1 reads the graph input.
        XCTAssertEqual(model.graph.nodes.map(\.name), [
            "trunk.pool", "trunk.relu2",
            "trunk.add", "headA.conv", "headA.sigmoid", "headB.concat", "headB.conv",
        ])
        XCTAssertEqual(model.graph.nodes[0].inputs, [Graph.inputName])
        // conv1 3·8·9 + 8, bn1 8 + 8, conv2 8·8·9 + 8, headA 8 + 1, headB 16·4 + 4.
        XCTAssertEqual(model.parameterCount, 224 + 16 + 584 + 9 + 68)
        // 2 · Cout · Cin · kh · kw · Hout · Wout: conv1 at 12×16, the others at 6×8.
        XCTAssertEqual(try model.flops(inputHeight: 12, inputWidth: 16), 2 * 8 * 3 * 9 * 192 + 2 * 8 * 8 * 9 * 48 + 2 * 8 * 48 + 2 * 4 * 16 * 48)
        let summary = try model.summary(inputHeight: 12, inputWidth: 16)
        XCTAssertTrue(summary.contains("Outputs: headA.sigmoid [1, 6, 8], headB.conv [4, 6, 8]"), summary)
        XCTAssertTrue(summary.contains("Parameters: 901 "), summary)
        XCTAssertTrue(summary.contains("FLOPs per frame: 145.15 k (145,152;"), summary)
    }
}
