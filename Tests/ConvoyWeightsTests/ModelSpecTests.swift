import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import XCTest

/// Decoding model files: the format, its defaults, and one error per way a file can be wrong.
final class ModelSpecTests: XCTestCase {
    /// The example of the format's documentation.
    static let example = """
    # A small feature extractor with two heads.
    input:
      channels: 3          # 3 = RGB frames, 1 = luma
      scale: 255           # pixels are divided by this first (8-bit values); default 255
      mean: [0.485, 0.456, 0.406]   # optional, torchvision Normalize (per channel or one value)
      std: [0.229, 0.224, 0.225]
    layers:                # in order; each takes the previous layer's output unless `input:`/`inputs:` says otherwise
      - {name: conv1, type: conv2d, in: 3, out: 16, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1, bias: true}
      - {name: bn1, type: batchnorm, channels: 16, eps: 1.0e-5}   # folded into conv1 at load when it directly follows it
      - {name: act1, type: relu}
      - {name: pool1, type: maxpool, kernel: 2, stride: 2, padding: 0, ceil_mode: false}
      - {name: prob, type: conv2d, input: act1, in: 16, out: 1, kernel: 1}
      - {name: merged, type: concat, inputs: [pool1, pool1]}
    outputs: [prob, pool1]
    """

    func testDecodesTheDocumentedExample() throws {
        let spec = try ModelSpec.parse(Self.example, name: "example.yaml")
        XCTAssertEqual(spec.input, ModelInputSpec(channels: 3, scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]))
        XCTAssertEqual(spec.layers.map(\.name), ["conv1", "bn1", "act1", "pool1", "prob", "merged"])
        XCTAssertEqual(spec.layers[0].operation, .conv2d(
            inChannels: 3, outChannels: 16, kernel: SpatialPair(3), stride: SpatialPair(1), padding: SpatialPair(1),
            dilation: SpatialPair(1), groups: 1, bias: true, border: .zero))
        XCTAssertNil(spec.layers[0].inputs)
        XCTAssertEqual(spec.layers[1].operation, .batchNorm(channels: 16, eps: 1e-5))
        XCTAssertEqual(spec.layers[3].operation, .maxPool(kernel: SpatialPair(2), stride: SpatialPair(2), padding: SpatialPair(0), ceilMode: false))
        XCTAssertEqual(spec.layers[4].inputs, ["act1"])
        XCTAssertEqual(spec.layers[5].inputs, ["pool1", "pool1"])
        XCTAssertEqual(spec.layers[5].type, .concat)
        XCTAssertEqual(spec.outputs, ["prob", "pool1"])
        XCTAssertNil(spec.weights)
        XCTAssertEqual(spec.sources(of: 0), [Graph.inputName])
        XCTAssertEqual(spec.sources(of: 2), ["bn1"])
    }

    func testDefaultsAndAlternativeSpellings() throws {
        let spec = try ModelSpec.parse("""
        input: {channels: 1}
        weights: w/luma.safetensors
        layers:
          - name: features.0
            type: conv2d
            in: 1
            out: 4
            kernel: [3, 5]
            padding: same
            dilation: [1, 2]
            padding_mode: reflect
            bias: false
          - {name: features.1, type: leaky_relu}
          - {name: features.2, type: prelu}
          - {name: pool, type: avgpool, kernel: [3, 2], padding: [1, 0]}
          - {name: up, type: upsample, scale: 2.0, mode: bilinear, align_corners: true}
          - {name: bn, type: batchnorm, channels: 4}
          - {name: shuffle, type: pixel_shuffle, factor: 2}
          - {name: sum, type: add, inputs: [shuffle, shuffle, shuffle]}
          - {name: g, type: global_avgpool, input: features.0}
          - {name: s, type: softmax}
          - {name: t, type: tanh, input: input}
          - {name: sg, type: sigmoid}
        outputs: [sum, s, sg]
        """, name: "m.yaml")
        XCTAssertEqual(spec.input, ModelInputSpec(channels: 1, scale: 255, mean: [0], std: [1]))
        XCTAssertEqual(spec.weights, "w/luma.safetensors")
        XCTAssertEqual(spec.layers[0].operation, .conv2d(
            inChannels: 1, outChannels: 4, kernel: SpatialPair(y: 3, x: 5), stride: SpatialPair(1),
            padding: SpatialPair(y: 1, x: 4), dilation: SpatialPair(y: 1, x: 2), groups: 1, bias: false, border: .reflect))
        XCTAssertEqual(spec.layers[1].operation, .leakyReLU(negativeSlope: 0.01))
        XCTAssertEqual(spec.layers[2].operation, .prelu(channels: 1))
        XCTAssertEqual(spec.layers[3].operation, .avgPool(kernel: SpatialPair(y: 3, x: 2), stride: SpatialPair(y: 3, x: 2),
                                                          padding: SpatialPair(y: 1, x: 0), ceilMode: false, countIncludePad: true))
        XCTAssertEqual(spec.layers[4].operation, .upsample(scale: SpatialPair(2), mode: .bilinear, alignCorners: true))
        XCTAssertEqual(spec.layers[5].operation, .batchNorm(channels: 4, eps: 1e-5))
        XCTAssertEqual(spec.layers[6].operation, .pixelShuffle(factor: 2))
        XCTAssertEqual(spec.layers[10].inputs, [Graph.inputName])
    }

    // MARK: - Errors

    private func problem(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> ModelError.Problem? {
        do {
            _ = try ModelSpec.parse(yaml, name: "model.yaml")
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as ModelError {
            XCTAssertEqual(error.path, "model.yaml", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("model.yaml: "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
            return error.problem
        } catch {
            XCTFail("not a ModelError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// A valid file with `layer` (one flow mapping) after a 3→4 convolution `c`.
    private func with(_ layer: String, outputs: String = "[x]") -> String {
        """
        input: {channels: 3}
        layers:
          - {name: c, type: conv2d, in: 3, out: 4, kernel: 3}
          - \(layer)
        outputs: \(outputs)
        """
    }

    func testYAMLAndStructureErrors() {
        guard case .notYAML(let reason) = problem("input: {channels: 3\nlayers: [") else {
            return XCTFail("syntax error expected")
        }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertEqual(problem(""), .notMapping(place: "the top level"))
        XCTAssertEqual(problem("- 1\n- 2"), .notMapping(place: "the top level"))
        XCTAssertEqual(problem("layers: []\noutputs: [a]"), .missingKey(place: "the top level", key: "input"))
        XCTAssertEqual(problem("input: {channels: 3}\noutputs: [a]"), .missingKey(place: "the top level", key: "layers"))
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: []\noutputs: [a]"), .noLayers)
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: 5\noutputs: [a]"),
                       .wrongType(place: "the top level", key: "layers", expected: "a list of layers"))
        XCTAssertEqual(problem("input: 3\nlayers: []\noutputs: [a]"),
                       .wrongType(place: "the top level", key: "input", expected: "a mapping of keys to values"))
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: [{name: a, type: relu}]\noutputs: [a]\nextra: 1"),
                       .unknownKey(place: "the top level", key: "extra", known: ModelSpec.keys))
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: [{name: a, type: relu}]\noutputs: []"), .noOutputs)
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: [{name: a, type: relu}]"), .missingKey(place: "the top level", key: "outputs"))
        XCTAssertEqual(problem("input: {channels: 3}\nlayers: [3]\noutputs: [a]"), .notMapping(place: "layers[0]"))
        // Duplicate keys are a YAML error.
        guard case .notYAML = problem("input: {channels: 3}\ninput: {channels: 1}\nlayers: [{name: a, type: relu}]\noutputs: [a]") else {
            return XCTFail("duplicate keys should be rejected")
        }
    }

    /// `precision:` takes the three names, and nothing else; without it the spec has none and the
    /// loaded model runs FP32.
    func testPrecisionKey() throws {
        let layers = "\nlayers: [{name: a, type: relu}]\noutputs: [a]"
        XCTAssertNil(try ModelSpec.parse("input: {channels: 3}" + layers, name: "m.yaml").precision)
        for precision in NetworkPrecision.allCases {
            XCTAssertEqual(try ModelSpec.parse("input: {channels: 3}\nprecision: \(precision.rawValue)" + layers, name: "m.yaml").precision, precision)
        }
        XCTAssertEqual(problem("input: {channels: 3}\nprecision: fp16" + layers),
                       .badValue(place: "the top level", key: "precision", reason: "is fp16; it takes fp32, bf16 or bf16-only"))
    }

    func testInputSectionErrors() {
        func input(_ text: String) -> String { "input: \(text)\nlayers: [{name: a, type: relu}]\noutputs: [a]" }
        XCTAssertEqual(problem(input("{}")), .missingKey(place: "input", key: "channels"))
        XCTAssertEqual(problem(input("{channels: 0}")), .badValue(place: "input", key: "channels", reason: "must be from 1 to 65536, got 0"))
        XCTAssertEqual(problem(input("{channels: three}")), .wrongType(place: "input", key: "channels", expected: "an integer"))
        XCTAssertEqual(problem(input("{channels: 3, scale: 0}")), .badValue(place: "input", key: "scale", reason: "must be positive, got 0.0"))
        XCTAssertEqual(problem(input("{channels: 3, scale: .inf}")), .badValue(place: "input", key: "scale", reason: "must be a finite number, got inf"))
        XCTAssertEqual(problem(input("{channels: 3, mean: [1, 2]}")),
                       .badValue(place: "input", key: "mean", reason: "must have one value or one per channel (3), got 2"))
        XCTAssertEqual(problem(input("{channels: 3, std: 0}")), .badValue(place: "input", key: "std", reason: "must hold positive numbers, got 0.0"))
        XCTAssertEqual(problem(input("{channels: 3, std: []}")), .badValue(place: "input", key: "std", reason: "must not be an empty list"))
        XCTAssertEqual(problem(input("{channels: 3, mean: [a, b, c]}")),
                       .wrongType(place: "input", key: "mean", expected: "a number or a list of numbers"))
        XCTAssertEqual(problem(input("{channels: 3, colour: rgb}")), .unknownKey(place: "input", key: "colour", known: ModelInputSpec.keys))
    }

    func testLayerKeyErrors() {
        XCTAssertEqual(problem(with("{type: relu}")), .missingKey(place: "layers[1]", key: "name"))
        XCTAssertEqual(problem(with("{name: '', type: relu}")), .badValue(place: "layers[1]", key: "name", reason: "must not be empty"))
        XCTAssertEqual(problem(with("{name: x}")), .missingKey(place: "layer \"x\"", key: "type"))
        XCTAssertEqual(problem(with("{name: x, type: conv3d}")), .unknownLayerType(layer: "x", type: "conv3d"))
        XCTAssertEqual(problem(with("{name: x, type: relu, inplace: true}")),
                       .unknownKey(place: "layer \"x\"", key: "inplace", known: ModelLayerType.relu.keys))
        XCTAssertEqual(problem(with("{name: x, type: relu, inputs: [c, c]}")),
                       .unknownKey(place: "layer \"x\"", key: "inputs", known: ModelLayerType.relu.keys))
        XCTAssertEqual(problem(with("{name: x, type: concat, input: c}")),
                       .unknownKey(place: "layer \"x\"", key: "input", known: ModelLayerType.concat.keys))
        XCTAssertEqual(problem(with("{name: x, type: concat, inputs: [c]}")),
                       .badValue(place: "layer \"x\"", key: "inputs", reason: "must name at least two layers, got 1"))
        XCTAssertEqual(problem(with("{name: x, type: concat}")), .missingKey(place: "layer \"x\"", key: "inputs"))
        XCTAssertEqual(problem(with("{name: x, type: relu, input: [c]}")), .wrongType(place: "layer \"x\"", key: "input", expected: "a string"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4}")), .missingKey(place: "layer \"x\"", key: "kernel"))
        XCTAssertEqual(problem(with("{name: x, type: batchnorm}")), .missingKey(place: "layer \"x\"", key: "channels"))
    }

    func testLayerValueErrors() {
        let x = "layer \"x\""
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 0}")),
                       .badValue(place: x, key: "kernel", reason: "must be from 1 to 1024, got 0"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: [3, 3, 3]}")),
                       .wrongType(place: x, key: "kernel", expected: "an integer or a list [y, x] of two integers"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 1.5}")),
                       .wrongType(place: x, key: "kernel", expected: "an integer or a list [y, x] of two integers"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, stride: 0}")),
                       .badValue(place: x, key: "stride", reason: "must be from 1 to 1024, got 0"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, padding: -1}")),
                       .badValue(place: x, key: "padding", reason: "must be from 0 to 1024, got -1"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, dilation: [1, 0]}")),
                       .badValue(place: x, key: "dilation", reason: "must be from 1 to 1024, got 0"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 6, kernel: 3, groups: 4}")),
                       .badValue(place: x, key: "groups", reason: "must divide both in (4) and out (6), got 4"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, stride: 2, padding: same}")),
                       .badValue(place: x, key: "padding", reason: "\"same\" needs stride 1"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 2, padding: same}")),
                       .badValue(place: x, key: "padding", reason: "\"same\" needs an odd (dilated) kernel here, as Convoy pads both sides equally"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, padding: full}")),
                       .wrongType(place: x, key: "padding", expected: "an integer or a list [y, x] of two integers"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, padding_mode: circular}")),
                       .badValue(place: x, key: "padding_mode", reason: "must be zeros, reflect or replicate, got \"circular\""))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 3, bias: maybe}")),
                       .wrongType(place: x, key: "bias", expected: "true or false"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 99999999, kernel: 3}")),
                       .badValue(place: x, key: "out", reason: "must be from 1 to 65536, got 99999999"))
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 4, out: 4, kernel: 99999999999999999999999}")),
                       .wrongType(place: x, key: "kernel", expected: "an integer or a list [y, x] of two integers"))
        XCTAssertEqual(problem(with("{name: x, type: maxpool, kernel: 2, padding: 2}")),
                       .badValue(place: x, key: "padding", reason: "must be at most half the kernel (2), got 2"))
        XCTAssertEqual(problem(with("{name: x, type: avgpool, kernel: 2, count_include_pad: 3}")),
                       .wrongType(place: x, key: "count_include_pad", expected: "true or false"))
        XCTAssertEqual(problem(with("{name: x, type: batchnorm, channels: 4, eps: -1}")),
                       .badValue(place: x, key: "eps", reason: "must be at least 0, got -1.0"))
        XCTAssertEqual(problem(with("{name: x, type: leaky_relu, negative_slope: .nan}")),
                       .badValue(place: x, key: "negative_slope", reason: "must be a finite number, got nan"))
        XCTAssertEqual(problem(with("{name: x, type: upsample, scale: 0}")),
                       .badValue(place: x, key: "scale", reason: "must be from 1 to 64, got 0"))
        XCTAssertEqual(problem(with("{name: x, type: upsample, scale: 2, mode: bicubic}")),
                       .badValue(place: x, key: "mode", reason: "must be nearest or bilinear, got \"bicubic\""))
        XCTAssertEqual(problem(with("{name: x, type: upsample, scale: 2, align_corners: true}")),
                       .badValue(place: x, key: "align_corners", reason: "applies only to mode bilinear"))
        XCTAssertEqual(problem(with("{name: x, type: pixel_shuffle, factor: 65}")),
                       .badValue(place: x, key: "factor", reason: "must be from 1 to 64, got 65"))
    }

    func testNamesInputsAndOutputs() {
        XCTAssertEqual(problem(with("{name: c, type: relu}")), .duplicateName("c"))
        XCTAssertEqual(problem(with("{name: input, type: relu}")), .reservedName("input"))
        XCTAssertEqual(problem(with("{name: input.normalize, type: relu}")), .reservedName("input.normalize"))
        XCTAssertEqual(problem(with("{name: x, type: relu, input: nope}")), .unknownInput(layer: "x", input: "nope"))
        XCTAssertEqual(problem(with("{name: x, type: relu, input: x}")), .unknownInput(layer: "x", input: "x"))
        XCTAssertEqual(problem(with("{name: x, type: add, inputs: [c, later]}")), .unknownInput(layer: "x", input: "later"))
        XCTAssertEqual(problem(with("{name: x, type: relu}", outputs: "[x, y]")), .unknownOutput("y"))
        XCTAssertEqual(problem(with("{name: x, type: relu}", outputs: "[input]")), .unknownOutput("input"))
        XCTAssertEqual(problem(with("{name: x, type: relu}", outputs: "[x, c, x]")), .duplicateOutput("x"))
        XCTAssertEqual(problem(with("{name: x, type: relu}", outputs: "x")), .wrongType(place: "the top level", key: "outputs", expected: "a list of names"))
    }

    func testChannelsMustChain() {
        XCTAssertEqual(problem(with("{name: x, type: conv2d, in: 3, out: 4, kernel: 1}")),
                       .channelMismatch(layer: "x", key: "in", declared: 3, incoming: 4))
        XCTAssertNoThrow(try ModelSpec.parse(with("{name: x, type: conv2d, in: 3, out: 4, kernel: 1, input: input}"), name: "m.yaml"))
        XCTAssertEqual(problem(with("{name: x, type: batchnorm, channels: 8}")),
                       .channelMismatch(layer: "x", key: "channels", declared: 8, incoming: 4))
        XCTAssertEqual(problem(with("{name: x, type: prelu, channels: 3}")),
                       .channelMismatch(layer: "x", key: "channels", declared: 3, incoming: 4))
        XCTAssertEqual(problem(with("{name: x, type: add, inputs: [c, input]}")), .addChannelMismatch(layer: "x", channels: [4, 3]))
        XCTAssertEqual(problem(with("{name: x, type: pixel_shuffle, factor: 3}")), .channelsNotDivisible(layer: "x", channels: 4, divisor: 9))
        // A conv after a concat needs the sum of the channels.
        let concat = """
        input: {channels: 3}
        layers:
          - {name: c, type: conv2d, in: 3, out: 4, kernel: 3}
          - {name: cat, type: concat, inputs: [c, input, c]}
          - {name: x, type: conv2d, in: 12, out: 1, kernel: 1}
        outputs: [x]
        """
        XCTAssertEqual(problem(concat), .channelMismatch(layer: "x", key: "in", declared: 12, incoming: 11))
    }

    func testMessages() throws {
        XCTAssertThrowsError(try ModelSpec.parse(with("{name: x, type: conv2d, in: 3, out: 4, kernel: 1}"), name: "m.yaml")) { error in
            XCTAssertEqual("\(error)", "m.yaml: layer \"x\": in is 3 but its input has 4 channels.")
        }
        XCTAssertThrowsError(try ModelSpec.parse(with("{name: x, type: relu, inplace: true}"), name: "m.yaml")) { error in
            XCTAssertEqual("\(error)", "m.yaml: layer \"x\": unknown key \"inplace\" (known keys: name, type, input).")
        }
        XCTAssertThrowsError(try ModelSpec.parse(with("{name: x, type: Conv2d}"), name: "m.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("m.yaml: layer \"x\": unknown type \"Conv2d\" (known types: conv2d, relu, "), "\(error)")
        }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-model-\(UUID()).yaml").path
        XCTAssertThrowsError(try ModelSpec.load(path: missing)) { error in
            XCTAssertEqual(error as? ModelError, ModelError(path: missing, problem: .noSuchFile))
            XCTAssertEqual("\(error)", "\(missing): no such model file.")
        }
        XCTAssertThrowsError(try ModelSpec.load(path: FileManager.default.temporaryDirectory.path)) { error in
            guard case .unreadable = (error as? ModelError)?.problem else { return XCTFail("\(error)") }
        }
    }
}
