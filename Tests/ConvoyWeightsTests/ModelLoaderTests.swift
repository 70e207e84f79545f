import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Building graphs from model files: the result computes what the same layers built by hand
/// compute, batch norms are folded where they can be, and tensor problems are reported.
final class ModelLoaderTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TestFiles.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every layer type, a folded and an unfolded batch norm, skip connections and five outputs.
    static let zoo = """
    # Every layer type Convoy model files know.
    input:
      channels: 3
      scale: 255
      mean: [0.485, 0.456, 0.406]
      std: [0.229, 0.224, 0.225]
    layers:
      - {name: stem.conv, type: conv2d, in: 3, out: 8, kernel: 3, padding: 1, bias: false}
      - {name: stem.bn, type: batchnorm, channels: 8}
      - {name: stem.act, type: prelu, channels: 8}
      - {name: pool, type: avgpool, kernel: 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false}
      - {name: dw, type: conv2d, in: 8, out: 8, kernel: [3, 1], padding: [1, 0], groups: 8, padding_mode: replicate}
      - {name: dw.act, type: leaky_relu, negative_slope: 0.2}
      - {name: sum, type: add, inputs: [dw.act, pool]}
      - {name: side.bn, type: batchnorm, channels: 8, eps: 1.0e-3, input: pool}
      - {name: side.tanh, type: tanh}
      - {name: cat, type: concat, inputs: [sum, side.tanh]}
      - {name: expand, type: conv2d, in: 16, out: 12, kernel: 1}
      - {name: expand.bn, type: batchnorm, channels: 12}
      - {name: shuffle, type: pixel_shuffle, factor: 2}
      - {name: mp, type: maxpool, kernel: 2}
      - {name: prob, type: softmax}
      - {name: up, type: upsample, scale: 2, mode: bilinear, align_corners: true, input: sum}
      - {name: up.nearest, type: upsample, scale: [1, 2]}
      - {name: glob, type: global_avgpool, input: cat}
      - {name: sig, type: sigmoid}
      - {name: r, type: relu, input: input}
    outputs: [prob, expand, up.nearest, sig, r]
    """

    /// Random weights for `zoo`, by state-dict name.
    static func zooWeights(seed: UInt64 = 5) -> [String: Tensor] {
        var generator = SeededGenerator(seed: seed)
        func random(_ dims: Int...) -> Tensor { Tensor(shape: Shape(dims), values: generator.floats(dims.reduce(1, *))) }
        func positive(_ count: Int) -> Tensor { Tensor(shape: Shape(count), values: generator.floats(count).map { 1 + $0 / 2 }) }
        var weights: [String: Tensor] = [
            "stem.conv.weight": random(8, 3, 3, 3),
            "stem.act.weight": random(8),
            "dw.weight": random(8, 1, 3, 1), "dw.bias": random(8),
            "expand.weight": random(12, 16, 1, 1), "expand.bias": random(12),
        ]
        for (name, channels) in [("stem.bn", 8), ("side.bn", 8), ("expand.bn", 12)] {
            weights[name + ".weight"] = random(channels)
            weights[name + ".bias"] = random(channels)
            weights[name + ".running_mean"] = random(channels)
            weights[name + ".running_var"] = positive(channels)
        }
        return weights
    }

    /// `zoo` built by hand with ConvoyNN's layers, batch norms not folded.
    static func zooByHand(_ w: [String: Tensor]) throws -> Graph {
        func batchNorm(_ name: String, eps: Float = 1e-5) throws -> BatchNorm2d {
            try BatchNorm2d(weight: w[name + ".weight"]!, bias: w[name + ".bias"]!, runningMean: w[name + ".running_mean"]!,
                            runningVar: w[name + ".running_var"]!, eps: eps)
        }
        let nodes: [Graph.Node] = [
            .init(name: "norm", operation: .layer(try Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1)), inputs: ["input"]),
            .init(name: "stem.conv", operation: .layer(try Conv2d(weight: w["stem.conv.weight"]!, bias: nil, padding: (1, 1))), inputs: ["norm"]),
            .init(name: "stem.bn", operation: .layer(try batchNorm("stem.bn")), inputs: ["stem.conv"]),
            .init(name: "stem.act", operation: .layer(try PReLU(weight: w["stem.act.weight"]!)), inputs: ["stem.bn"]),
            .init(name: "pool", operation: .layer(try AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false)), inputs: ["stem.act"]),
            .init(name: "dw", operation: .layer(try Conv2d(weight: w["dw.weight"]!, bias: w["dw.bias"]!, padding: (1, 0), groups: 8, border: .replicate)), inputs: ["pool"]),
            .init(name: "dw.act", operation: .layer(LeakyReLU(negativeSlope: 0.2)), inputs: ["dw"]),
            .init(name: "sum", operation: .merge(Add()), inputs: ["dw.act", "pool"]),
            .init(name: "side.bn", operation: .layer(try batchNorm("side.bn", eps: 1e-3)), inputs: ["pool"]),
            .init(name: "side.tanh", operation: .layer(Tanh()), inputs: ["side.bn"]),
            .init(name: "cat", operation: .merge(Concat()), inputs: ["sum", "side.tanh"]),
            .init(name: "expand", operation: .layer(try Conv2d(weight: w["expand.weight"]!, bias: w["expand.bias"]!)), inputs: ["cat"]),
            .init(name: "expand.bn", operation: .layer(try batchNorm("expand.bn")), inputs: ["expand"]),
            .init(name: "shuffle", operation: .layer(try PixelShuffle(upscaleFactor: 2)), inputs: ["expand.bn"]),
            .init(name: "mp", operation: .layer(try MaxPool2d(kernel: (2, 2))), inputs: ["shuffle"]),
            .init(name: "prob", operation: .layer(ChannelSoftmax()), inputs: ["mp"]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 2), mode: .bilinear, alignCorners: true)), inputs: ["sum"]),
            .init(name: "up.nearest", operation: .layer(Upsample(scale: (1, 2), mode: .nearest)), inputs: ["up"]),
            .init(name: "glob", operation: .layer(GlobalAvgPool2d()), inputs: ["cat"]),
            .init(name: "sig", operation: .layer(Sigmoid()), inputs: ["glob"]),
            .init(name: "r", operation: .layer(ReLU()), inputs: ["norm"]),
        ]
        return try Graph(nodes: nodes, outputs: ["prob", "expand", "up.nearest", "sig", "r"])
    }

    /// Writes `yaml` as model.yaml and `weights` (plus extra records) as model.safetensors.
    private func writeModel(_ yaml: String, _ weights: [String: Tensor], extra: [SafeTensorsRecord] = []) throws -> String {
        let path = directory + "/model.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let records = weights.sorted { $0.key < $1.key }.map { SafeTensorsRecord(name: $0.key, tensor: $0.value) } + extra
        try SafeTensorsFile.write(records, metadata: ["format": "pt"], to: directory + "/model.safetensors")
        return path
    }

    private func batchesTracked(_ name: String) -> SafeTensorsRecord {
        SafeTensorsRecord(name: name + ".num_batches_tracked", dtype: .i64, shape: [], bytes: Data(count: 8))
    }

    func testLoadedModelComputesWhatTheHandBuiltGraphComputes() throws {
        let weights = Self.zooWeights()
        let path = try writeModel(Self.zoo, weights, extra: [batchesTracked("stem.bn"), batchesTracked("side.bn")])
        let model = try ModelLoader.load(modelPath: path)
        XCTAssertEqual(model.inputChannels, 3)
        XCTAssertEqual(model.outputs, ["prob", "expand", "up.nearest", "sig", "r"])
        XCTAssertEqual(model.normalization.mean, [0.485, 0.456, 0.406])
        XCTAssertEqual(model.weightsName, directory + "/model.safetensors")

        let reference = try Self.zooByHand(weights)
        var generator = SeededGenerator(seed: 6)
        let input = Tensor(shape: Shape(2, 3, 10, 12), values: generator.floats(720).map { ($0 + 1) / 2 })
        let shapes = try model.outputShapes(batch: 2, height: 10, width: 12)
        XCTAssertEqual(shapes, [Shape(2, 3, 6, 7), Shape(2, 12, 6, 7), Shape(2, 8, 12, 28), Shape(2, 16, 1, 1), Shape(2, 3, 10, 12)])
        XCTAssertEqual(shapes, try reference.outputShapes(for: input.shape))

        let context = ExecutionContext()
        let got = model.forward(input, context: context).map { Tensor(shape: $0.shape, values: $0.array) }
        let expected = reference.forward(input, context: ExecutionContext())
        for (index, name) in model.outputs.enumerated() {
            assertClose(got[index], expected[index], tolerance: 1e-5, name)
        }
        // The normalised input (output r, after ReLU) is (x - mean) / std per channel.
        let r = got[4]
        XCTAssertEqual(r[n: 1, c: 2, h: 3, w: 4], max(0, (input[n: 1, c: 2, h: 3, w: 4] - 0.406) / 0.225), accuracy: 1e-5)
    }

    func testBatchNormIsFoldedOnlyAfterAConvolutionNothingElseReads() throws {
        let model = try ModelLoader.load(modelPath: try writeModel(Self.zoo, Self.zooWeights()))
        let names = model.graph.nodes.map(\.name)
        XCTAssertEqual(names.first, LoadedModel.normalizationNodeName)
        XCTAssertTrue(model.graph.nodes.first.map { if case .layer(let layer) = $0.operation { return layer is Normalize } else { return false } } ?? false)
        XCTAssertFalse(names.contains("stem.conv"), "stem.conv is folded into stem.bn")
        XCTAssertTrue(names.contains("stem.bn"))
        guard case .layer(let folded) = model.graph.nodes[names.firstIndex(of: "stem.bn")!].operation else {
            return XCTFail("stem.bn should be a layer")
        }
        XCTAssertTrue(folded is Conv2d)
        XCTAssertEqual(model.graph.nodes[names.firstIndex(of: "stem.bn")!].inputs, [LoadedModel.normalizationNodeName])
        // expand is also an output, side.bn follows a pooling layer: neither is folded.
        XCTAssertTrue(names.contains("expand") && names.contains("expand.bn") && names.contains("side.bn"))
        XCTAssertEqual(model.layers.first { $0.name == "stem.conv" }?.foldedInto, "stem.bn")
        XCTAssertEqual(model.layers.first { $0.name == "stem.bn" }?.foldedFrom, "stem.conv")
        XCTAssertNil(model.layers.first { $0.name == "expand" }?.foldedInto)
        XCTAssertEqual(model.layers.count, 20)
    }

    func testNormalizationScaleMapsFrameSamplesToTheFilesScale() throws {
        // The file's pixels are divided by 1 (values 0 … 255); Convoy frames hold pixel / 255.
        let yaml = "input: {channels: 1, scale: 1, mean: 128, std: 64}\nlayers: [{name: r, type: relu}]\noutputs: [r]\n"
        let model = try ModelLoader.load(modelPath: try writeModel(yaml, [:]))
        let input = Tensor(shape: Shape(1, 1, 1, 3), values: [0, 0.5, 1])
        let output = model.forward(input, context: ExecutionContext())[0].array
        XCTAssertEqual(output[0], 0)
        XCTAssertEqual(output[1], 0)  // (127.5 - 128) / 64 < 0
        XCTAssertEqual(output[2], (255 - 128) / 64, accuracy: 1e-5)
        guard case .layer(let layer) = model.graph.nodes[0].operation, let normalize = layer as? Normalize else {
            return XCTFail("the first node normalises")
        }
        XCTAssertEqual(normalize.scale, 255)
    }

    // MARK: - Tensor problems

    private func loadProblem(_ yaml: String, _ weights: [String: Tensor], extra: [SafeTensorsRecord] = [],
                             file: StaticString = #filePath, line: UInt = #line) throws -> ModelError.Problem? {
        let path = try writeModel(yaml, weights, extra: extra)
        do {
            _ = try ModelLoader.load(modelPath: path)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as ModelError {
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
            return error.problem
        }
    }

    func testMissingTensorsAreAllListed() throws {
        var weights = Self.zooWeights()
        weights["dw.bias"] = nil
        weights["expand.bn.running_var"] = nil
        let weightsPath = directory + "/model.safetensors"
        XCTAssertEqual(try loadProblem(Self.zoo, weights), .missingTensors(weights: weightsPath, names: ["dw.bias", "expand.bn.running_var"]))
        let path = directory + "/model.yaml"
        XCTAssertThrowsError(try ModelLoader.load(modelPath: path)) { error in
            XCTAssertEqual("\(error)", "\(path): \(weightsPath) lacks 2 tensors \"dw.bias\", \"expand.bn.running_var\".")
        }
    }

    func testUnusedTensorsAreAllListed() throws {
        var weights = Self.zooWeights()
        weights["head.weight"] = Tensor(shape: Shape(1), values: [1])
        weights["side.bn.extra"] = Tensor(shape: Shape(1), values: [1])
        XCTAssertEqual(try loadProblem(Self.zoo, weights, extra: [batchesTracked("expand")]),
                       .unusedTensors(weights: directory + "/model.safetensors", names: ["expand.num_batches_tracked", "head.weight", "side.bn.extra"]))
    }

    func testWrongShapesSayExpectedAndFound() throws {
        var weights = Self.zooWeights()
        weights["stem.conv.weight"] = Tensor(shape: Shape(8, 3, 3, 1), values: [Float](repeating: 0, count: 72))
        let weightsPath = directory + "/model.safetensors"
        XCTAssertEqual(try loadProblem(Self.zoo, weights), .tensorShape(weights: weightsPath, tensor: "stem.conv.weight", expected: [8, 3, 3, 3], found: [8, 3, 3, 1]))
        XCTAssertThrowsError(try ModelLoader.load(modelPath: directory + "/model.yaml")) { error in
            XCTAssertEqual("\(error)", "\(directory)/model.yaml: \(weightsPath): tensor \"stem.conv.weight\" has shape [8, 3, 3, 1], expected [8, 3, 3, 3].")
        }
        weights = Self.zooWeights()
        weights["dw.weight"] = Tensor(shape: Shape(8, 8, 3, 1), values: [Float](repeating: 0, count: 192))  // groups ignored
        XCTAssertEqual(try loadProblem(Self.zoo, weights), .tensorShape(weights: weightsPath, tensor: "dw.weight", expected: [8, 1, 3, 1], found: [8, 8, 3, 1]))
    }

    func testLayerValuesConvoyNNRejects() throws {
        var weights = Self.zooWeights()
        weights["side.bn.running_var"] = Tensor(shape: Shape(8), values: [Float](repeating: -1, count: 8))
        guard case .invalidLayer(let layer, let reason) = try loadProblem(Self.zoo, weights) else {
            return XCTFail("expected invalidLayer")
        }
        XCTAssertEqual(layer, "side.bn")
        XCTAssertTrue(reason.contains("running_var"), reason)
        // The same in a batch norm folded into the convolution before it.
        weights = Self.zooWeights()
        weights["stem.bn.running_var"] = Tensor(shape: Shape(8), values: [Float](repeating: -1, count: 8))
        guard case .invalidLayer("stem.bn", let foldedReason) = try loadProblem(Self.zoo, weights) else {
            return XCTFail("expected invalidLayer for stem.bn")
        }
        XCTAssertTrue(foldedReason.contains("running_var"), foldedReason)
    }

    func testWeightsOfOtherDTypes() throws {
        let yaml = "input: {channels: 1}\nlayers: [{name: p, type: prelu}]\noutputs: [p]\n"
        let path = directory + "/model.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        for dtype in [SafeTensorsDType.f16, .bf16, .f64] {
            try SafeTensorsFile.write(["p.weight": Tensor(shape: Shape(1), values: [0.25])], dtype: dtype, to: directory + "/model.safetensors")
            let model = try ModelLoader.load(modelPath: path)
            XCTAssertEqual(model.forward(Tensor(shape: Shape(1, 1, 1, 1), values: [-1]), context: ExecutionContext())[0].array, [-0.25])
        }
        try SafeTensorsFile.write([SafeTensorsRecord(name: "p.weight", dtype: .f8e4m3, shape: [1], bytes: Data([0x38]))], to: directory + "/model.safetensors")
        XCTAssertThrowsError(try ModelLoader.load(modelPath: path)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem, .notConvertible(tensor: "p.weight", dtype: .f8e4m3))
        }
    }

    // MARK: - Paths

    func testWeightsPaths() throws {
        let spec = try ModelSpec.parse("input: {channels: 1}\nlayers: [{name: r, type: relu}]\noutputs: [r]", name: "m")
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "dir/edges.yaml", spec: spec), "dir/edges.safetensors")
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "edges.YML", spec: spec), "edges.safetensors")
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "edges.model", spec: spec), "edges.model.safetensors")
        var named = spec
        named.weights = "w/a.safetensors"
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "dir/edges.yaml", spec: named), "dir/w/a.safetensors")
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "edges.yaml", spec: named), "w/a.safetensors")
        named.weights = "/abs/a.safetensors"
        XCTAssertEqual(ModelLoader.defaultWeightsPath(modelPath: "dir/edges.yaml", spec: named), "/abs/a.safetensors")

        // A model without weights file: the safetensors error names the weights path.
        let path = directory + "/lonely.yaml"
        try "input: {channels: 1}\nlayers: [{name: r, type: relu}]\noutputs: [r]\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelLoader.load(modelPath: path)) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: directory + "/lonely.safetensors", problem: .noSuchFile))
        }
        // An explicit weights path wins, and `weights:` is read relative to the model file.
        try SafeTensorsFile.write([String: Tensor](), to: directory + "/other.safetensors")
        XCTAssertNoThrow(try ModelLoader.load(modelPath: path, weightsPath: directory + "/other.safetensors"))
        try "input: {channels: 1}\nweights: other.safetensors\nlayers: [{name: r, type: relu}]\noutputs: [r]\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ModelLoader.load(modelPath: path).weightsName, directory + "/other.safetensors")
    }

    // MARK: - Summary

    func testSummaryCountsParametersAndFlops() throws {
        let model = try ModelLoader.load(modelPath: try writeModel(Self.zoo, Self.zooWeights()))
        // conv 216 + bn 16 + prelu 8 + dw 24 + 8 + side.bn 16 + expand 192 + 12 + expand.bn 24
        XCTAssertEqual(model.parameterCount, 216 + 16 + 8 + 32 + 16 + 204 + 24)
        // 2 · Cout · Cin/groups · kh · kw · Hout · Wout for stem.conv (10×12), dw and expand (6×7).
        let flops = 2 * 8 * 3 * 9 * 120 + 2 * 8 * 1 * 3 * 42 + 2 * 12 * 16 * 42
        XCTAssertEqual(try model.flops(inputHeight: 10, inputWidth: 12), flops)
        let summary = try model.summary(inputHeight: 10, inputWidth: 12)
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "Model \(directory)/model.yaml (weights \(directory)/model.safetensors)")
        XCTAssertEqual(lines[1], "Input [3, 10, 12]: pixel / 255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]")
        XCTAssertTrue(lines[3].hasPrefix("layer"), lines[3])
        XCTAssertEqual(lines.count, 4 + 20 + 4)
        let stem = try XCTUnwrap(lines.first { $0.hasPrefix("stem.conv ") })
        XCTAssertEqual(stem.split(separator: " ", omittingEmptySubsequences: true).map(String.init),
                       ["stem.conv", "conv2d", "(+stem.bn)", "input", "[8,", "10,", "12]", "216", "51.84", "k"])
        XCTAssertTrue(lines.contains { $0.hasPrefix("up.nearest ") && $0.contains("[8, 12, 28]") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("sum ") && $0.contains("dw.act, pool") })
        XCTAssertEqual(lines[lines.count - 3], "Outputs: prob [3, 6, 7], expand [12, 6, 7], up.nearest [8, 12, 28], sig [16, 1, 1], r [3, 10, 12]")
        XCTAssertEqual(lines[lines.count - 2], "Parameters: 516 (learnable, as PyTorch counts them)")
        XCTAssertEqual(lines[lines.count - 1], "FLOPs per frame: 69.98 k (69,984; 2 per multiply-add, convolutions only)")
        XCTAssertFalse(lines.contains { $0.hasSuffix(" ") })
    }

    func testSizesThatDoNotFit() throws {
        let model = try ModelLoader.load(modelPath: try writeModel(Self.zoo, Self.zooWeights()))
        // 1×1 frames: the 2×2 max pool after the pixel shuffle still fits; 0 does not.
        XCTAssertThrowsError(try model.summary(inputHeight: 0, inputWidth: 5)) { error in
            guard case .invalidGraph = (error as? ModelError)?.problem else { return XCTFail("\(error)") }
        }
        let yaml = "input: {channels: 1}\nlayers: [{name: c, type: conv2d, in: 1, out: 1, kernel: 5, bias: false}]\noutputs: [c]\n"
        let small = try ModelLoader.load(modelPath: try writeModel(yaml, ["c.weight": Tensor(shape: Shape(1, 1, 5, 5))]))
        XCTAssertThrowsError(try small.outputShapes(height: 4, width: 10)) { error in
            XCTAssertTrue("\(error)".hasPrefix(directory + "/model.yaml: for 10×4 input: graph node 'c': input"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertEqual(try small.outputShapes(height: 5, width: 10), [Shape(1, 1, 1, 6)])
    }
}
