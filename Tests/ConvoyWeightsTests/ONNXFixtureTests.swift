import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// The importer against onnxruntime: small models built with onnx.helper by
/// Fixtures/onnx/generate_onnx.py (one per operator and operator-set variant, F16/BF16/F64,
/// typed, Constant-node and external weights, several outputs, classifier heads), each run on its
/// stored input and compared with onnxruntime's outputs.
final class ONNXFixtureTests: XCTestCase {
    private func load(_ name: String, frame: SpatialPair? = nil) throws -> LoadedModel {
        try ONNXLoader.load(path: try ONNXTestRun.fixtures() + "/\(name).onnx", frameSize: frame)
    }

    func testEveryFixtureMatchesOnnxruntime() throws {
        let directory = try ONNXTestRun.fixtures()
        let names = try String(contentsOfFile: directory + "/manifest.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertGreaterThanOrEqual(names.count, 30)
        for name in names {
            let base = directory + "/" + name
            let input = try ONNXTensorFile(path: base + ".input.pb")
            do {
                let model = try ONNXLoader.load(path: base + ".onnx", frameSize: SpatialPair(y: input.dims[2], x: input.dims[3]))
                let problem = try ONNXTestRun.mismatch(model: model, inputPath: base + ".input.pb",
                                                       expectedPaths: ONNXTestRun.numberedFiles(base + ".output_"), tolerance: 1e-4)
                XCTAssertNil(problem, name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    func testFusionsOfAYAMLGraphApply() throws {
        // Conv + BatchNormalization + Relu: one convolution node with the batch norm folded and the ReLU fused.
        let model = try load("conv_bn_relu")
        XCTAssertEqual(model.graph.nodes.count, 1)
        guard case .layer(let layer) = model.graph.nodes[0].operation, let convolution = layer as? Conv2d else {
            return XCTFail("not a convolution: \(model.graph.nodes)")
        }
        XCTAssertEqual(convolution.activation, .relu)
        XCTAssertEqual(model.layers.map(\.type), ["Conv", "BatchNormalization", "Relu"])
        XCTAssertEqual(model.layers[0].foldedInto, "n")
        // The benchmarks' network: conv1 + relu1 + pool1 fused into one node, as from YAML.
        let tiny = try load("tiny-features")
        XCTAssertEqual(tiny.graph.nodes.map(\.name), ["pool1", "relu2", "relu3"])
        let yaml = try ModelLoader.load(modelPath: TestFiles.root + "/Samples/Models/tiny-features.yaml")
        XCTAssertEqual(tiny.graph.nodes.map(\.name), yaml.graph.nodes.map(\.name))
        XCTAssertEqual(try tiny.flops(inputHeight: 720, inputWidth: 1280), try yaml.flops(inputHeight: 720, inputWidth: 1280))
        XCTAssertEqual(tiny.parameterCount, yaml.parameterCount)
    }

    func testSpelledOutHardSwishRunsAsOneLayer() throws {
        // Four spellings of x * clip(x + 3, 0, 6) / 6 on one convolution: one HardSwish node each
        // (testEveryFixtureMatchesOnnxruntime checks the values).
        func isHardSwish(_ node: Graph.Node) -> Bool {
            if case .layer(let layer) = node.operation { return layer is HardSwish }
            return false
        }
        let model = try load("hardswish_spelled")
        XCTAssertEqual(model.graph.nodes.map(\.name), ["x", "h1", "h2", "h3", "h4", "y"])
        XCTAssertEqual(model.graph.nodes.filter(isHardSwish).map(\.inputs), Array(repeating: ["x"], count: 4))
        let summary = try model.summary(inputHeight: 9, inputWidth: 8)
        for part in ["a1", "c1", "m1", "a2", "c2", "m2", "a3", "c3", "g3", "a4", "c4", "g4"] {
            let row = summary.split(separator: "\n").first { $0.hasPrefix(part + " ") }
            XCTAssertTrue(row?.contains("(fused into h\(part.last!))") == true, "\(part): \(summary)")
            XCTAssertTrue(model.layers.contains { $0.name == part }, part)
        }
        XCTAssertFalse(summary.contains("Not run"), summary)
        // Clip's limits as attributes (opset 9).
        let older = try load("hardswish_spelled_opset9")
        XCTAssertEqual(older.graph.nodes.count, 2)
        XCTAssertTrue(isHardSwish(older.graph.nodes[1]), "\(older.graph.nodes)")
        // x * sigmoid(x) and x * hardsigmoid(x) as before: SiLU and HardSwish, the gates fused away.
        let more = try load("activations_more")
        XCTAssertFalse(more.graph.nodes.contains { $0.name == "sg" || $0.name == "h6" }, "\(more.graph.nodes.map(\.name))")
    }

    func testNodesNoOutputReadsAreNotRunAndSaidSo() throws {
        let model = try load("dead_branch")
        XCTAssertEqual(model.graph.nodes.map(\.name), ["y"])
        XCTAssertEqual(model.layers.map(\.name), ["y"])
        XCTAssertTrue(model.notes.contains("Not run (no output reads them): \"unused\", \"unused2\""), "\(model.notes)")
    }

    func testSummaryShowsTheGraphAsRunAndWhatWasFolded() throws {
        let model = try load("classifier_opset13", frame: SpatialPair(y: 720, x: 1280))
        let summary = try model.summary(inputHeight: 720, inputWidth: 1280)
        XCTAssertTrue(summary.contains("ONNX, operator set 13"), summary)
        XCTAssertTrue(summary.contains("Folded at load"), summary)
        XCTAssertTrue(summary.contains("Shape gs"), summary)
        XCTAssertTrue(summary.contains("Conv (fused into map)"), summary)
        XCTAssertTrue(summary.contains("probabilities [5, 1, 1]"), summary)
        // 8·3·3·3 multiply-adds per pixel of 1280×720, then 5·8 for the head.
        XCTAssertEqual(try model.flops(inputHeight: 720, inputWidth: 1280), 2 * (8 * 27 * 1280 * 720 + 5 * 8))
    }

    func testOutputsKeepTheirONNXNamesAndRanks() throws {
        let model = try load("classifier_opset11")
        XCTAssertEqual(model.outputs, ["probabilities", "map", "pooled"])
        XCTAssertEqual(model.outputRanks, [2, 4, 4])
        let shapes = try model.outputShapes(batch: 3, height: 10, width: 12)
        XCTAssertEqual(model.itemShapes(shapes), [[5], [8, 10, 12], [8, 1, 1]])
    }

    func testFixedAndFrameDependentInputs() throws {
        let fixed = try load("flatten_matmul_fixed")
        XCTAssertEqual(fixed.fixedInputSize, SpatialPair(y: 8, x: 8))
        XCTAssertTrue(fixed.notes.contains { $0.contains("frames are scaled to it") })
        XCTAssertFalse(try load("tiny-features").dependsOnFrameSize)
        // Resize sizes computed from the input's shape: the graph is built again for each size.
        let resize = try load("resize_opset13_sizes", frame: SpatialPair(y: 9, x: 8))
        XCTAssertTrue(resize.dependsOnFrameSize)
        let other = try resize.resolved(height: 5, width: 7)
        XCTAssertEqual(try other.outputShapes(batch: 1, height: 5, width: 7), [Shape(1, 3, 10, 14)])
    }

    func testNormalisationOptionsComeFirst() throws {
        let path = try ONNXTestRun.fixtures() + "/tiny-features.onnx"
        let plain = try ONNXLoader.load(path: path)
        XCTAssertNotEqual(plain.graph.nodes.first?.name, LoadedModel.normalizationNodeName)
        let normalised = try ONNXLoader.load(path: path, scale: 1, mean: [0.5], std: [0.25, 0.5, 1])
        XCTAssertEqual(normalised.graph.nodes.first?.name, LoadedModel.normalizationNodeName)
        XCTAssertEqual(normalised.normalization, ModelInputSpec(channels: 3, scale: 1, mean: [0.5], std: [0.25, 0.5, 1]))
        XCTAssertThrowsError(try ONNXLoader.load(path: path, mean: [0, 0]))
    }

    /// Issue 13: the same network as YAML + safetensors and as ONNX gives the same features.
    func testYAMLAndONNXGiveTheSameFeatures() throws {
        let yaml = try ModelLoader.load(modelPath: TestFiles.root + "/Samples/Models/tiny-features.yaml")
        let onnx = try load("tiny-features")
        var generator = SeededGenerator(seed: 13)
        let input = Tensor(shape: Shape(2, 3, 37, 50), values: (0..<(2 * 3 * 37 * 50)).map { _ in Float.random(in: 0...1, using: &generator) })
        let a = yaml.forward(input, context: ExecutionContext()).map(\.array)
        let b = onnx.forward(input, context: ExecutionContext()).map(\.array)
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(a[0].count, b[0].count)
        XCTAssertLessThanOrEqual(zip(a[0], b[0]).map { abs($0 - $1) }.max() ?? 1, 1e-5)
    }

    func testAYAMLFileMayNameAnONNXGraph() throws {
        let directory = try TestFiles.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: try ONNXTestRun.fixtures() + "/tiny-features.onnx", toPath: directory + "/net.onnx")
        try "input: {channels: 3, scale: 1, mean: [0.5, 0.4, 0.3], std: 0.2}\nonnx: net.onnx\n"
            .write(toFile: directory + "/preset.yaml", atomically: true, encoding: .utf8)
        let model = try ModelLoader.load(modelPath: directory + "/preset.yaml")
        XCTAssertEqual(model.normalization.mean, [0.5, 0.4, 0.3])
        XCTAssertEqual(model.outputs, ["relu3"])
        try "input: {channels: 1}\nonnx: net.onnx\n".write(toFile: directory + "/luma.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelLoader.load(modelPath: directory + "/luma.yaml")) { error in
            XCTAssertTrue("\(error)".contains("3"), "\(error)")
        }
        try "input: {channels: 3}\nonnx: net.onnx\nlayers: []\n".write(toFile: directory + "/both.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelLoader.load(modelPath: directory + "/both.yaml"))
    }
}
