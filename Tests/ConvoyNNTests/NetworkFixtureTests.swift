import ConvoyNN
import ConvoyTensor
import Foundation
import XCTest

/// The two-head network of the fixtures (trunk conv → bn → relu → maxpool → conv → relu, a
/// residual add, head A 1×1 conv → sigmoid, head B concat → 1×1 conv) built as a `Graph` from the
/// manifest's nodes and run against the numpy outputs, with weights from the raw `.bin` files and
/// from the three safetensors files.
final class NetworkFixtureTests: XCTestCase {
    private func network() throws -> FixtureManifest.Network {
        let manifest = try FixtureManifest.load()
        return try XCTUnwrap(manifest.networks.first { $0.name == "twohead" })
    }

    /// Builds the graph, looking each node's weights up by state-dict key in `weights`.
    private func graph(_ network: FixtureManifest.Network, weights: [String: Tensor]) throws -> Graph {
        let nodes = try network.nodes.map { node -> Graph.Node in
            let tensors = try node.weights.mapValues { key in try XCTUnwrap(weights[key], "weight \(key)") }
            let operation = try FixtureLayers.operation(type: node.type, params: node.params, tensors: tensors)
            return Graph.Node(name: node.name, operation: operation, inputs: node.inputs)
        }
        return try Graph(nodes: nodes, outputs: network.outputs)
    }

    private func check(_ graph: Graph, _ network: FixtureManifest.Network, dtype: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let input = try FixtureManifest.tensor(network.input)
        let expected = try XCTUnwrap(network.expected[dtype], file: file, line: line)
        let wanted = try network.outputs.map { try FixtureManifest.tensor(try XCTUnwrap(expected[$0])) }
        XCTAssertEqual(try graph.outputShapes(for: input.shape), wanted.map(\.shape), file: file, line: line)
        let context = ExecutionContext(tileColumns: 50)
        // Twice, so the second run reuses the first run's buffers.
        for run in 0..<2 {
            let outputs = graph.forward(input, context: context)
            XCTAssertEqual(outputs.count, network.outputs.count, file: file, line: line)
            for (name, (got, want)) in zip(network.outputs, zip(outputs, wanted)) {
                assertClose(got, want, "\(dtype) \(name) run \(run)", file: file, line: line)
            }
        }
        // The second image alone: a smaller batch in the same buffers gives that image's outputs.
        let image = input.shape.count / input.shape.n
        let second = Tensor(shape: Shape(1, input.shape.c, input.shape.h, input.shape.w),
                            values: Array(input.array[image...]))
        for (name, (got, want)) in zip(network.outputs, zip(graph.forward(second, context: context), wanted)) {
            let half = want.count / want.shape.n
            let wantSecond = Tensor(shape: Shape(1, want.shape.c, want.shape.h, want.shape.w), values: Array(want.array[half...]))
            assertClose(got, wantSecond, "\(dtype) \(name) batch of 1", file: file, line: line)
        }
    }

    func testTwoHeadNetworkFromRawWeights() throws {
        let network = try network()
        let weights = try network.weights.mapValues(FixtureManifest.tensor)
        let graph = try graph(network, weights: weights)
        let shapes = try graph.shapes(for: Shape(2, 3, 12, 16))
        XCTAssertEqual(shapes["trunk.pool"], Shape(2, 8, 6, 8))
        XCTAssertEqual(shapes["headB.concat"], Shape(2, 16, 6, 8))
        try check(graph, network, dtype: "F32")
    }

    func testTwoHeadNetworkWithFoldedBatchNorm() throws {
        let network = try network()
        let weights = try network.weights.mapValues(FixtureManifest.tensor)
        let full = try graph(network, weights: weights)
        // Fold trunk.bn1 into trunk.conv1 and let trunk.relu1 read the folded convolution.
        var nodes: [Graph.Node] = []
        for node in full.nodes {
            switch node.name {
            case "trunk.conv1":
                guard case .layer(let layer) = node.operation, let convolution = layer as? Conv2d,
                      case .layer(let bnLayer) = full.nodes[1].operation, let batchNorm = bnLayer as? BatchNorm2d else {
                    return XCTFail("unexpected node layout")
                }
                nodes.append(Graph.Node(name: node.name, operation: .layer(try convolution.folding(batchNorm)), inputs: node.inputs))
            case "trunk.bn1":
                continue
            case "trunk.relu1":
                nodes.append(Graph.Node(name: node.name, operation: node.operation, inputs: ["trunk.conv1"]))
            default:
                nodes.append(node)
            }
        }
        try check(try Graph(nodes: nodes, outputs: network.outputs), network, dtype: "F32")
    }

    /// Reads a safetensors file: `[key: (dtype, shape, bytes)]`, with the header parsed by
    /// `JSONSerialization`.
    private func readSafetensors(_ name: String) throws -> [String: (dtype: String, shape: [Int], bytes: Data)] {
        let data = try FixtureManifest.bytes(name)
        XCTAssertGreaterThan(data.count, 8)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "\(name): header padded to 8 bytes")
        let header = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength)) as? [String: Any]
        )
        let metadata = try XCTUnwrap(header["__metadata__"] as? [String: String])
        XCTAssertEqual(metadata["format"], "pt")
        var tensors: [String: (dtype: String, shape: [Int], bytes: Data)] = [:]
        var covered = 0
        for (key, value) in header where key != "__metadata__" {
            let entry = try XCTUnwrap(value as? [String: Any], key)
            let dtype = try XCTUnwrap(entry["dtype"] as? String, key)
            let shape = try XCTUnwrap(entry["shape"] as? [Int], key)
            let offsets = try XCTUnwrap(entry["data_offsets"] as? [Int], key)
            XCTAssertEqual(offsets.count, 2)
            let start = 8 + headerLength + offsets[0]
            let end = 8 + headerLength + offsets[1]
            XCTAssertLessThanOrEqual(end, data.count, key)
            covered += offsets[1] - offsets[0]
            tensors[key] = (dtype, shape, data.subdata(in: start..<end))
        }
        XCTAssertEqual(covered, data.count - 8 - headerLength, "\(name): tensors cover the data exactly")
        return tensors
    }

    /// bfloat16 of a float: the top 16 bits, rounded to nearest with ties to even.
    private func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        return UInt16((UInt64(bits) + 0x7FFF + UInt64((bits >> 16) & 1)) >> 16)
    }

    private func decode(_ dtype: String, _ bytes: Data) throws -> [Float] {
        let u16 = { (i: Int) in UInt16(bytes[bytes.startIndex + 2 * i]) | UInt16(bytes[bytes.startIndex + 2 * i + 1]) << 8 }
        switch dtype {
        case "F32":
            return bytes.withUnsafeBytes { raw in
                (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        case "F16":
            return (0..<bytes.count / 2).map { Float(Float16(bitPattern: u16($0))) }
        case "BF16":
            return (0..<bytes.count / 2).map { Float(bitPattern: UInt32(u16($0)) << 16) }
        default:
            throw FixtureLayers.MissingParameter(name: "dtype \(dtype)")
        }
    }

    func testTwoHeadSafetensorsHoldTheWeights() throws {
        let network = try network()
        let raw = try network.weights.mapValues(FixtureManifest.tensor)
        for (dtype, file) in network.safetensors {
            let tensors = try readSafetensors(file)
            XCTAssertEqual(Set(tensors.keys), Set(raw.keys).union(network.safetensors_extra_keys), file)
            for key in network.safetensors_extra_keys {
                let extra = try XCTUnwrap(tensors[key])
                XCTAssertEqual(extra.dtype, "I64")
                XCTAssertEqual(extra.shape, [])
                XCTAssertEqual(extra.bytes.count, 8)
            }
            var dequantized: [String: Tensor] = [:]
            for (key, weight) in raw {
                let stored = try XCTUnwrap(tensors[key])
                XCTAssertEqual(stored.dtype, dtype, "\(file) \(key)")
                XCTAssertEqual(Shape(stored.shape), weight.shape, "\(file) \(key)")
                let values = try decode(stored.dtype, stored.bytes)
                XCTAssertEqual(values.count, weight.count)
                for (value, original) in zip(values, weight.array) {
                    switch dtype {
                    case "F32": XCTAssertEqual(value.bitPattern, original.bitPattern, key)
                    case "F16": XCTAssertEqual(value.bitPattern, Float(Float16(original)).bitPattern, key)
                    default: XCTAssertEqual(value.bitPattern, UInt32(bfloat16Bits(original)) << 16, key)
                    }
                }
                dequantized[key] = Tensor(shape: weight.shape, values: values)
            }
            try check(try graph(network, weights: dequantized), network, dtype: dtype)
        }
    }
}
