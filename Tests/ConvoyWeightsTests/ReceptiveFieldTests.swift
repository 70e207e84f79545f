import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Receptive fields of small models worked out by hand (scale, halo per side, alignment), the
/// models declared not tileable, and a probe that measures the halo of real networks by
/// perturbing input rows and columns and watching which output samples change.
final class ReceptiveFieldTests: XCTestCase {
    /// A model file with a 1-channel input, these layer lines and these outputs.
    private func spec(_ layers: [String], outputs: [String], channels: Int = 1) throws -> ModelSpec {
        let text = (["input: {channels: \(channels)}", "layers:"] + layers.map { "  - " + $0 }
            + ["outputs: [" + outputs.joined(separator: ", ") + "]"]).joined(separator: "\n")
        return try ModelSpec.parse(text, name: "test.yaml")
    }

    private func field(_ layers: [String], outputs: [String] = ["out"], channels: Int = 1) throws -> ReceptiveField {
        ReceptiveField(spec: try spec(layers, outputs: outputs, channels: channels))
    }

    private func halo(_ all: Int) -> ReceptiveField.Halo {
        ReceptiveField.Halo(top: all, bottom: all, left: all, right: all)
    }

    func testOneConvolution3x3WithPadding1ReachesOnePixel() throws {
        let field = try field(["{name: out, type: conv2d, in: 1, out: 4, kernel: 3, padding: 1}"])
        XCTAssertTrue(field.isTileable)
        XCTAssertNil(field.untileableReason)
        XCTAssertEqual(field.outputs, [ReceptiveField.Output(name: "out", scaleY: .one, scaleX: .one, halo: halo(1))])
        XCTAssertEqual(field.alignment, SpatialPair(1))
        XCTAssertEqual(field.halo, halo(1))
    }

    func testTwoConvolutionsReachTwoPixels() throws {
        let field = try field([
            "{name: a, type: conv2d, in: 1, out: 4, kernel: 3, padding: 1}",
            "{name: act, type: relu}",
            "{name: out, type: conv2d, in: 4, out: 4, kernel: 3, padding: 1}",
        ])
        XCTAssertEqual(field.halo, halo(2))
        XCTAssertEqual(field.alignment, SpatialPair(1))
    }

    /// Output `j` of the convolution reads pooled samples `j - 1 ... j + 1`, which read input
    /// pixels `2j - 2 ... 2j + 3`: two pixels beyond the core `2j ..< 2j + 2` on each side. With
    /// a convolution before the pool (as in tiny-features), three.
    func testPoolThenConvolutionReachesTwoPixelsOnAGridOfTwo() throws {
        let field = try field([
            "{name: pool, type: maxpool, kernel: 2}",
            "{name: out, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1}",
        ])
        XCTAssertEqual(field.outputs[0].scaleY, ScaleFactor(1, 2))
        XCTAssertEqual(field.outputs[0].scaleX.description, "1/2")
        XCTAssertEqual(field.halo, halo(2))
        XCTAssertEqual(field.alignment, SpatialPair(2))

        let withStem = try self.field([
            "{name: stem, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1}",
            "{name: pool, type: maxpool, kernel: 2}",
            "{name: out, type: conv2d, in: 2, out: 2, kernel: 3, padding: 1}",
        ])
        XCTAssertEqual(withStem.halo, halo(3))
        XCTAssertEqual(withStem.alignment, SpatialPair(2))
    }

    func testDilationSpreadsTheReach() throws {
        // Span 5 centred by padding 2: two pixels each side.
        XCTAssertEqual(try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 3, dilation: 2, padding: 2}"]).halo, halo(2))
        // Unpadded: output i reads i ... i + 4, all after.
        XCTAssertEqual(try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 3, dilation: 2}"]).halo,
                       ReceptiveField.Halo(top: 0, bottom: 4, left: 0, right: 4))
        // Different per axis: dilation [1, 3] with padding [1, 3].
        XCTAssertEqual(try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 3, dilation: [1, 3], padding: [1, 3]}"]).halo,
                       ReceptiveField.Halo(top: 1, bottom: 1, left: 3, right: 3))
    }

    func testAsymmetricReaches() throws {
        // Stride 2, kernel 3, padding 1: output i reads 2i - 1 ... 2i + 1, its core is 2i, 2i + 1.
        let strided = try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 3, stride: 2, padding: 1}"])
        XCTAssertEqual(strided.halo, ReceptiveField.Halo(top: 1, bottom: 0, left: 1, right: 0))
        XCTAssertEqual(strided.alignment, SpatialPair(2))
        // An even kernel without padding reads ahead only.
        XCTAssertEqual(try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 2}"]).halo,
                       ReceptiveField.Halo(top: 0, bottom: 1, left: 0, right: 1))
        // A [3, 1] kernel reaches along the rows only; stride [2, 1] aligns the rows only.
        let tall = try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: [3, 1], stride: [2, 1], padding: [1, 0]}"])
        XCTAssertEqual(tall.halo, ReceptiveField.Halo(top: 1, bottom: 0, left: 0, right: 0))
        XCTAssertEqual(tall.alignment, SpatialPair(y: 2, x: 1))
        XCTAssertEqual(tall.outputs[0].scaleY, ScaleFactor(1, 2))
        XCTAssertEqual(tall.outputs[0].scaleX, .one)
        // Padding larger than the kernel shifts the grid: output i reads i - 2 only.
        XCTAssertEqual(try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 1, padding: 2}"]).halo,
                       ReceptiveField.Halo(top: 2, bottom: 0, left: 2, right: 0))
    }

    func testPoolingWithPaddingAndCeilModeIsTileable() throws {
        let field = try field(["{name: out, type: maxpool, kernel: 3, stride: 2, padding: 1, ceil_mode: true}"])
        XCTAssertTrue(field.isTileable)
        XCTAssertEqual(field.halo, ReceptiveField.Halo(top: 1, bottom: 0, left: 1, right: 0))
        XCTAssertEqual(field.alignment, SpatialPair(2))
        let average = try self.field(["{name: out, type: avgpool, kernel: [2, 4], stride: [2, 4], ceil_mode: true, count_include_pad: false}"])
        XCTAssertEqual(average.halo, .zero)
        XCTAssertEqual(average.alignment, SpatialPair(y: 2, x: 4))
        XCTAssertEqual(average.outputs[0].scaleX, ScaleFactor(1, 4))
    }

    func testUpsamplingAndPixelShuffle() throws {
        let nearest = try field(["{name: out, type: upsample, scale: 2}"])
        XCTAssertEqual(nearest.halo, .zero)
        XCTAssertEqual(nearest.outputs[0].scaleY, ScaleFactor(2, 1))
        XCTAssertEqual(nearest.alignment, SpatialPair(1))
        XCTAssertEqual(try field(["{name: out, type: upsample, scale: 2, mode: bilinear}"]).halo, halo(1))
        XCTAssertEqual(try field(["{name: out, type: upsample, scale: [3, 4], mode: bilinear}"]).halo, halo(1))
        // A 3×3 convolution after upsampling by 2 reaches one upsampled sample: one input pixel.
        XCTAssertEqual(try field(["{name: up, type: upsample, scale: 2}", "{name: out, type: conv2d, in: 1, out: 1, kernel: 3, padding: 1}"]).halo, halo(1))
        XCTAssertEqual(try field(["{name: up, type: upsample, scale: 2, mode: bilinear}", "{name: out, type: conv2d, in: 1, out: 1, kernel: 3, padding: 1}"]).halo, halo(1))
        // Four upsampled samples of reach are one input pixel (nearest) or two (bilinear).
        XCTAssertEqual(try field(["{name: up, type: upsample, scale: 4}", "{name: out, type: conv2d, in: 1, out: 1, kernel: 9, padding: 4}"]).halo, halo(1))
        XCTAssertEqual(try field(["{name: up, type: upsample, scale: 4, mode: bilinear}", "{name: out, type: conv2d, in: 1, out: 1, kernel: 9, padding: 4}"]).halo, halo(2))
        let shuffle = try field(["{name: out, type: pixel_shuffle, factor: 2}"], channels: 4)
        XCTAssertEqual(shuffle.halo, .zero)
        XCTAssertEqual(shuffle.outputs[0].scaleX, ScaleFactor(2, 1))
        // Stride 2 then upsampling by 2 is back on the input's grid, but the stride still aligns.
        let roundTrip = try field(["{name: down, type: conv2d, in: 1, out: 1, kernel: 3, stride: 2, padding: 1}", "{name: out, type: upsample, scale: 2}"])
        XCTAssertEqual(roundTrip.outputs[0].scaleY, .one)
        XCTAssertEqual(roundTrip.alignment, SpatialPair(2))
        XCTAssertEqual(ScaleFactor(6, 4).description, "3/2")
    }

    func testMergesTakeTheLargerReach() throws {
        let field = try field([
            "{name: small, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1, input: input}",
            "{name: large, type: conv2d, in: 1, out: 2, kernel: 5, padding: 2, input: input}",
            "{name: wide, type: conv2d, in: 1, out: 2, kernel: [1, 5], padding: [0, 2], input: input}",
            "{name: cat, type: concat, inputs: [small, large]}",
            "{name: out, type: add, inputs: [cat, cat]}",
            "{name: side, type: add, inputs: [small, wide]}",
        ], outputs: ["out", "side"])
        XCTAssertEqual(field.outputs.map(\.name), ["out", "side"])
        XCTAssertEqual(field.outputs[0].halo, halo(2))
        XCTAssertEqual(field.outputs[1].halo, ReceptiveField.Halo(top: 1, bottom: 1, left: 2, right: 2))
        XCTAssertEqual(field.halo, halo(2))
    }

    /// A trunk and two heads at different scales: each head has its own scale and halo, the
    /// alignment serves both.
    func testTwoHeads() throws {
        let field = try field([
            "{name: trunk, type: conv2d, in: 1, out: 4, kernel: 3, padding: 1}",
            "{name: act, type: relu}",
            "{name: pool, type: maxpool, kernel: 2}",
            "{name: coarse, type: conv2d, in: 4, out: 2, kernel: 3, padding: 1}",
            "{name: up, type: upsample, scale: 2, input: act}",
            "{name: fine, type: conv2d, in: 4, out: 2, kernel: 3, padding: 1}",
        ], outputs: ["coarse", "fine"])
        XCTAssertEqual(field.outputs, [
            ReceptiveField.Output(name: "coarse", scaleY: ScaleFactor(1, 2), scaleX: ScaleFactor(1, 2), halo: halo(3)),
            ReceptiveField.Output(name: "fine", scaleY: ScaleFactor(2, 1), scaleX: ScaleFactor(2, 1), halo: halo(2)),
        ])
        XCTAssertEqual(field.alignment, SpatialPair(2))
        XCTAssertEqual(field.halo, halo(3))
    }

    func testAlignmentIsTheLeastCommonMultipleOfTheGrids() throws {
        let field = try field([
            "{name: a, type: maxpool, kernel: 2, input: input}",
            "{name: b, type: maxpool, kernel: 3, input: input}",
            "{name: c, type: maxpool, kernel: 2}",
        ], outputs: ["a", "c"])
        XCTAssertEqual(field.alignment, SpatialPair(6))
        XCTAssertEqual(field.outputs[1].scaleY, ScaleFactor(1, 6))
    }

    func testGlobalLayersAndFrameSizeDependentLayersAreNotTileable() throws {
        let global = try field(["{name: conv, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1}", "{name: out, type: global_avgpool}"])
        XCTAssertFalse(global.isTileable)
        XCTAssertEqual(global.untileableReason, "layer \"out\" (global_avgpool) averages over the whole frame")
        XCTAssertEqual(global.outputs, [])
        XCTAssertEqual(global.alignment, SpatialPair(1))

        let corners = try field(["{name: out, type: upsample, scale: 2, mode: bilinear, align_corners: true}"])
        XCTAssertEqual(corners.untileableReason, "layer \"out\" (bilinear upsampling with align_corners) places its samples by the frame's size")

        let reflect = try field(["{name: out, type: conv2d, in: 1, out: 1, kernel: 3, padding: [1, 2], padding_mode: reflect}"])
        XCTAssertFalse(reflect.isTileable)
        XCTAssertTrue(reflect.untileableReason!.contains("reflect"), reflect.untileableReason!)
        // Reflect and replicate padding up to half the kernel are fine.
        let same = try field(["{name: a, type: conv2d, in: 1, out: 1, kernel: 3, padding: 1, padding_mode: reflect}",
                              "{name: out, type: conv2d, in: 1, out: 1, kernel: [5, 3], dilation: [1, 2], padding: 2, padding_mode: replicate}"])
        XCTAssertEqual(same.halo, halo(3))

        // Sizes that agree for an 8-pixel frame only: 1 × 1 and 1/2 × 1/2 of the input.
        let scales = try field(["{name: down, type: conv2d, in: 1, out: 1, kernel: 1, stride: 2, padding: 4}",
                                "{name: out, type: concat, inputs: [input, down]}"])
        XCTAssertEqual(scales.untileableReason, "layer \"out\" merges tensors at different scales (1×1 and 1/2×1/2 of the input)")

        // A global layer no output depends on does not matter.
        let dead = try field(["{name: out, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1}", "{name: unused, type: global_avgpool}"])
        XCTAssertTrue(dead.isTileable)
    }

    func testGraphsGiveTheFieldOfTheirLayers() throws {
        let weight = Tensor(shape: Shape(2, 1, 3, 3))
        let nodes: [Graph.Node] = [
            .init(name: "conv", operation: .layer(try Conv2d(weight: weight, bias: nil, stride: (2, 2), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "chain", operation: .layer(Sequential([ReLU(), try MaxPool2d(kernel: (2, 2)), Upsample(scale: (2, 2), mode: .bilinear)])), inputs: ["conv"]),
            .init(name: "magnitude", operation: .layer(ChannelPairMagnitude()), inputs: ["chain"]),
        ]
        let field = ReceptiveField(graph: try Graph(nodes: nodes, outputs: ["magnitude", Graph.inputName]))
        // Bilinear reaches 1 pooled sample, the pool 2 + 0 strided samples, the convolution 5 before, 4 after.
        XCTAssertEqual(field.outputs[0].halo, ReceptiveField.Halo(top: 5, bottom: 4, left: 5, right: 4))
        XCTAssertEqual(field.outputs[0].scaleY, ScaleFactor(1, 2))
        XCTAssertEqual(field.outputs[1], ReceptiveField.Output(name: Graph.inputName, scaleY: .one, scaleX: .one, halo: .zero))
        XCTAssertEqual(field.alignment, SpatialPair(4))

        let global = try Graph(nodes: [.init(name: "g", operation: .layer(GlobalAvgPool2d()), inputs: [Graph.inputName])], outputs: ["g"])
        XCTAssertEqual(ReceptiveField(graph: global).untileableReason, "layer \"g\" (GlobalAvgPool2d) averages over the whole frame")

        let unknown = try Graph(nodes: [.init(name: "u", operation: .layer(Opaque()), inputs: [Graph.inputName])], outputs: ["u"])
        XCTAssertEqual(ReceptiveField(graph: unknown).untileableReason, "layer \"u\" (Opaque) is a layer whose reads are not known")
    }

    /// A layer ReceptiveField cannot know.
    private final class Opaque: Layer {
        func outputShape(for input: Shape) -> Shape { input }
        func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {}
    }

    /// The sample model, from its file and from its loaded graph (normalisation node, folded
    /// layers): conv 3×3, pool 2, conv 3×3, conv 3×3 reaches 1 + 2·(1 + 1) + … = 5 pixels.
    func testTinyFeaturesFromTheFileAndFromTheGraph() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let model = try ModelLoader.load(modelPath: path)
        let field = ReceptiveField(model: model)
        XCTAssertEqual(field.outputs, [ReceptiveField.Output(name: "relu3", scaleY: ScaleFactor(1, 2), scaleX: ScaleFactor(1, 2), halo: halo(5))])
        XCTAssertEqual(field.alignment, SpatialPair(2))
        XCTAssertEqual(ReceptiveField(graph: model.graph), field)
        // The loaded graph runs conv1, its ReLU and the pool as one node named after the pool.
        let pool = try XCTUnwrap(model.graph.nodes.first { $0.name == "pool1" })
        guard case .layer(let layer) = pool.operation, let fused = layer as? Conv2d else { return XCTFail("pool1 is \(pool.operation)") }
        XCTAssertTrue(fused.fusedMaxPool)
        XCTAssertEqual(fused.activation, .relu)
        XCTAssertFalse(model.graph.nodes.contains { ["conv1", "relu1"].contains($0.name) })

        let folded = try ModelLoader.load(spec: spec(ModelLoaderTests.zoo), weights: weightsFile(ModelLoaderTests.zooWeights()), modelName: "zoo")
        // The zoo upsamples with align_corners (before its global pool): the file and graph agree.
        XCTAssertEqual(ReceptiveField(model: folded).untileableReason,
                       "layer \"up\" (bilinear upsampling with align_corners) places its samples by the frame's size")
        XCTAssertEqual(ReceptiveField(graph: folded.graph), ReceptiveField(model: folded))
    }

    /// Measured reaches: perturb one input row (column) at a time with large random values and
    /// record which output rows (columns) change; the input rows that change the samples owned
    /// by an interior core are what that core's tile needs. The derived halo must contain them,
    /// and for these models it equals them.
    func testMeasuredReachMatchesTheDerivedHalo() throws {
        let models: [(layers: [String], outputs: [String], exact: Bool)] = [
            (["{name: a, type: conv2d, in: 1, out: 3, kernel: 3, padding: 1}",
              "{name: pool, type: maxpool, kernel: 2}",
              "{name: out, type: conv2d, in: 3, out: 2, kernel: 3, padding: 1}"], ["out"], true),
            (["{name: a, type: conv2d, in: 1, out: 3, kernel: 3, stride: 2, padding: 1}",
              "{name: b, type: conv2d, in: 3, out: 3, kernel: 3, dilation: 2, padding: 2}",
              "{name: up, type: upsample, scale: 2}",
              "{name: out, type: conv2d, in: 3, out: 2, kernel: 2}"], ["out"], true),
            (["{name: a, type: conv2d, in: 1, out: 4, kernel: [3, 1], stride: [2, 1], padding: [1, 0]}",
              "{name: pool, type: avgpool, kernel: 3, stride: 2, padding: 1, ceil_mode: true}",
              "{name: out, type: pixel_shuffle, factor: 2}",
              "{name: side, type: conv2d, in: 4, out: 1, kernel: [1, 5], padding: [0, 1], input: a}"], ["out", "side"], true),
            (["{name: a, type: conv2d, in: 1, out: 2, kernel: 3, padding: 1}",
              "{name: up, type: upsample, scale: 2, mode: bilinear}",
              "{name: out, type: conv2d, in: 2, out: 2, kernel: 3, padding: 1, padding_mode: reflect}"], ["out"], true),
            (["{name: up, type: upsample, scale: 3, mode: bilinear}",
              "{name: out, type: conv2d, in: 1, out: 1, kernel: 3, padding: 1}"], ["out"], false),
        ]
        for (number, model) in models.enumerated() {
            let spec = try spec(model.layers, outputs: model.outputs)
            let field = ReceptiveField(spec: spec)
            XCTAssertTrue(field.isTileable, "model \(number)")
            let loaded = try ModelLoader.load(spec: spec, weights: weightsFile(randomWeights(spec, seed: UInt64(number))), modelName: "model \(number)")
            let measured = try measuredHalos(loaded, field: field, height: 48, width: 48)
            for (output, halo) in zip(field.outputs, measured) {
                let message = "model \(number), output \(output.name): derived \(output.halo), measured \(halo)"
                XCTAssertLessThanOrEqual(halo.top, output.halo.top, message)
                XCTAssertLessThanOrEqual(halo.bottom, output.halo.bottom, message)
                XCTAssertLessThanOrEqual(halo.left, output.halo.left, message)
                XCTAssertLessThanOrEqual(halo.right, output.halo.right, message)
                if model.exact {
                    XCTAssertEqual(halo, output.halo, message)
                }
            }
        }
    }

    /// Per output, the halo the samples owned by the core `16 ..< 32` (rows and columns) need,
    /// found by perturbation.
    private func measuredHalos(_ model: LoadedModel, field: ReceptiveField, height: Int, width: Int) throws -> [ReceptiveField.Halo] {
        let core = 16..<32
        XCTAssertEqual(core.lowerBound % field.alignment.y, 0)
        XCTAssertEqual(core.lowerBound % field.alignment.x, 0)
        var generator = SeededGenerator(seed: 99)
        let base = generator.floats(height * width).map { ($0 + 1) / 2 }
        let context = ExecutionContext()
        func run(_ values: [Float]) -> [Tensor] {
            model.forward(Tensor(shape: Shape(1, 1, height, width), values: values), context: context).map { Tensor(shape: $0.shape, values: $0.array) }
        }
        let reference = run(base)
        // For each output: the lowest and highest input row and column that changed an owned sample.
        var rows = [(Int, Int)](repeating: (Int.max, Int.min), count: reference.count)
        var columns = rows
        for axis in 0..<2 {
            for line in 0..<(axis == 0 ? height : width) {
                var values = base
                for other in 0..<(axis == 0 ? width : height) {
                    let index = axis == 0 ? line * width + other : other * width + line
                    values[index] += 500 + 500 * abs(generator.floats(1)[0])
                }
                for (index, result) in run(values).enumerated() {
                    let output = field.outputs[index]
                    let scale = axis == 0 ? output.scaleY : output.scaleX
                    let owned = scale.samples(atPixel: core.lowerBound)..<scale.samples(atPixel: core.upperBound)
                    let shape = result.shape
                    var changed = false
                    for c in 0..<shape.c {
                        for y in 0..<shape.h {
                            for x in 0..<shape.w where owned.contains(axis == 0 ? y : x) {
                                let a = result[n: 0, c: c, h: y, w: x]
                                let b = reference[index][n: 0, c: c, h: y, w: x]
                                if abs(a - b) > 1e-3 * max(1, abs(b)) {
                                    changed = true
                                }
                            }
                        }
                    }
                    if changed {
                        if axis == 0 {
                            rows[index] = (min(rows[index].0, line), max(rows[index].1, line))
                        } else {
                            columns[index] = (min(columns[index].0, line), max(columns[index].1, line))
                        }
                    }
                }
            }
        }
        return zip(rows, columns).map { rows, columns in
            ReceptiveField.Halo(top: core.lowerBound - rows.0, bottom: rows.1 + 1 - core.upperBound,
                                left: core.lowerBound - columns.0, right: columns.1 + 1 - core.upperBound)
        }
    }

    /// Parses model YAML.
    private func spec(_ text: String) throws -> ModelSpec {
        try ModelSpec.parse(text, name: "test.yaml")
    }

    /// Random tensors for every convolution, PReLU and batch norm of `spec`.
    private func randomWeights(_ spec: ModelSpec, seed: UInt64) -> [String: Tensor] {
        var generator = SeededGenerator(seed: seed)
        func random(_ dims: [Int]) -> Tensor { Tensor(shape: Shape(dims), values: generator.floats(dims.reduce(1, *))) }
        var weights: [String: Tensor] = [:]
        for layer in spec.layers {
            switch layer.operation {
            case .conv2d(let inChannels, let outChannels, let kernel, _, _, _, let groups, let bias, _):
                weights[layer.name + ".weight"] = random([outChannels, inChannels / groups, kernel.y, kernel.x])
                if bias {
                    weights[layer.name + ".bias"] = random([outChannels])
                }
            case .prelu(let channels):
                weights[layer.name + ".weight"] = random([channels])
            case .batchNorm(let channels, _):
                for name in ["weight", "bias", "running_mean"] {
                    weights[layer.name + "." + name] = random([channels])
                }
                weights[layer.name + ".running_var"] = Tensor(shape: Shape(channels), values: generator.floats(channels).map { 1 + $0 / 2 })
            default:
                break
            }
        }
        return weights
    }

    /// `weights` as an in-memory safetensors file.
    private func weightsFile(_ weights: [String: Tensor]) throws -> SafeTensorsFile {
        let records = weights.sorted { $0.key < $1.key }.map { SafeTensorsRecord(name: $0.key, tensor: $0.value) }
        return try SafeTensorsFile(data: SafeTensorsFile.encode(records), name: "weights.safetensors")
    }
}
