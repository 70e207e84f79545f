import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Tiled runs equal whole-frame runs: the sample model and random-weight graphs with strided,
/// dilated, asymmetric and unpadded convolutions, reflect and replicate padding, pooling with
/// padding and ceil mode, bilinear and nearest upsampling, pixel shuffle, concat, add and several
/// outputs, on odd and even frame sizes, cut into tiles that do and do not divide the frame.
final class TiledForwardTests: XCTestCase {
    /// Frame sizes (height, width): odd and even.
    private let frames = [(37, 53), (64, 96)]
    /// Forced core sizes: small, not dividing the frames, one wider than the frames.
    private let tiles = [(8, 8), (13, 17), (16, 24), (5, 100)]

    func testTinyFeaturesTiledEqualsWhole() throws {
        let model = try ModelLoader.load(modelPath: Self.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path)
        XCTAssertEqual(ReceptiveField(model: model), ReceptiveField(graph: model.graph))
        try assertTilingIsExact(model.graph, channels: 3, name: "tiny-features")
    }

    /// Strided and dilated convolutions, a padded average pool, concat, bilinear upsampling, a
    /// ceil-mode max pool; two outputs at scales 1 and 1/4.
    func testStridedDilatedBilinearTwoHeadsTiledEqualsWhole() throws {
        var random = SplitMix(seed: 1)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 8, kernel: (3, 3), stride: (2, 2), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "r1", operation: .layer(ReLU()), inputs: ["c1"]),
            .init(name: "c2", operation: .layer(try random.conv(8, 8, kernel: (3, 3), padding: (2, 2), dilation: (2, 2))), inputs: ["r1"]),
            .init(name: "avg", operation: .layer(try AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false)), inputs: [Graph.inputName]),
            .init(name: "cat", operation: .merge(Concat()), inputs: ["c2", "avg"]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 2), mode: .bilinear)), inputs: ["cat"]),
            .init(name: "fine", operation: .layer(try random.conv(11, 4, kernel: (3, 3), padding: (1, 1))), inputs: ["up"]),
            .init(name: "coarse", operation: .layer(try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)), inputs: ["cat"]),
        ], outputs: ["fine", "coarse"])
        let field = ReceptiveField(graph: graph)
        XCTAssertEqual(field.alignment, SpatialPair(4))
        XCTAssertEqual(field.outputs.map(\.scaleY), [.one, ScaleFactor(1, 4)])
        try assertTilingIsExact(graph, channels: 3, name: "strided")
    }

    /// A dilated max pool (ONNX MaxPool's dilations): its window spans dilation · (kernel − 1) + 1.
    func testDilatedMaxPoolTiledEqualsWhole() throws {
        var random = SplitMix(seed: 5)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 4, kernel: (3, 3), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "pool", operation: .layer(try MaxPool2d(kernel: (3, 2), stride: (2, 1), padding: (1, 1), dilation: (3, 4))),
                  inputs: ["c1"]),
        ], outputs: ["pool"])
        XCTAssertTrue(ReceptiveField(graph: graph).isTileable)
        try assertTilingIsExact(graph, channels: 3, name: "dilated pool")
    }

    /// Reflect and replicate padding, an asymmetric kernel, a grouped convolution, a residual
    /// add, max pool, nearest upsampling (different per axis), pixel shuffle, a stride on the
    /// columns only.
    func testResidualShuffleAsymmetricTiledEqualsWhole() throws {
        var random = SplitMix(seed: 2)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 6, kernel: (3, 5), padding: (1, 2), border: .reflect)), inputs: [Graph.inputName]),
            .init(name: "a", operation: .layer(LeakyReLU(negativeSlope: 0.1)), inputs: ["c1"]),
            .init(name: "c2", operation: .layer(try random.conv(6, 6, kernel: (3, 3), padding: (1, 1), groups: 3, border: .replicate)), inputs: ["a"]),
            .init(name: "sum", operation: .merge(Add()), inputs: ["a", "c2"]),
            .init(name: "pool", operation: .layer(try MaxPool2d(kernel: (2, 2))), inputs: ["sum"]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 3), mode: .nearest)), inputs: ["pool"]),
            .init(name: "c3", operation: .layer(try random.conv(6, 4, kernel: (1, 1))), inputs: ["up"]),
            .init(name: "shuffled", operation: .layer(try PixelShuffle(upscaleFactor: 2)), inputs: ["c3"]),
            .init(name: "narrow", operation: .layer(try random.conv(6, 2, kernel: (1, 3), stride: (1, 2), padding: (0, 1))), inputs: ["sum"]),
        ], outputs: ["shuffled", "narrow"])
        XCTAssertTrue(ReceptiveField(graph: graph).isTileable)
        try assertTilingIsExact(graph, channels: 3, name: "residual")
    }

    /// A U-Net-like skip: the input's features concatenated with pooled-and-upsampled ones,
    /// which fit only frames of even size; every tile must then have an even size too.
    func testSkipConnectionAcrossAPoolTiledEqualsWhole() throws {
        var random = SplitMix(seed: 8)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 4, kernel: (3, 3), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "pool", operation: .layer(try MaxPool2d(kernel: (2, 2))), inputs: ["c1"]),
            .init(name: "c2", operation: .layer(try random.conv(4, 4, kernel: (3, 3), padding: (1, 1))), inputs: ["pool"]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 2), mode: .nearest)), inputs: ["c2"]),
            .init(name: "cat", operation: .merge(Concat()), inputs: ["c1", "up"]),
            .init(name: "out", operation: .layer(try random.conv(8, 2, kernel: (3, 3), padding: (1, 1))), inputs: ["cat"]),
        ], outputs: ["out"])
        try assertTilingIsExact(graph, channels: 3, name: "skip", frames: [(38, 54), (64, 96)])
    }

    /// The ONNX import layers whose reads are local: elementwise activations, a per-channel
    /// affine and constant, LRN, a channel shuffle, space-to-depth and depth-to-space, a
    /// broadcasting product of two branches, nearest and linear resizes by whole scales, an
    /// asymmetric constant pad before an unpadded convolution.
    func testOnnxLayersTiledEqualsWhole() throws {
        var random = SplitMix(seed: 9)
        let perChannel = { (count: Int, base: Float) in Tensor(shape: Shape(count), values: (0..<count).map { base + Float($0) / 8 }) }
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 8, kernel: (3, 3), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "hs", operation: .layer(HardSwish()), inputs: ["c1"]),
            .init(name: "aff", operation: .layer(try ChannelAffine(scale: perChannel(8, 0.5), shift: perChannel(8, -0.25))), inputs: ["hs"]),
            .init(name: "s2d", operation: .layer(try SpaceToDepth(blockSize: 2)), inputs: ["aff"]),
            .init(name: "c2", operation: .layer(try random.conv(32, 8, kernel: (3, 3), padding: (1, 1))), inputs: ["s2d"]),
            .init(name: "silu", operation: .layer(SiLU()), inputs: ["c2"]),
            .init(name: "lrn", operation: .layer(try LocalResponseNorm(size: 3, alpha: 0.5)), inputs: ["silu"]),
            .init(name: "shuffle", operation: .layer(try ChannelShuffle(groups: 2)), inputs: ["lrn"]),
            .init(name: "gate", operation: .layer(try ConstantBinary(.mul, constant: Tensor(shape: Shape(1, 8, 1, 1), values: perChannel(8, 1).array))),
                  inputs: ["shuffle"]),
            .init(name: "d2s", operation: .layer(try DepthToSpace(blockSize: 2)), inputs: ["gate"]),
            .init(name: "side", operation: .layer(try random.conv(8, 2, kernel: (3, 3), padding: (1, 1))), inputs: ["hs"]),
            .init(name: "clip", operation: .layer(Clip(minimum: -0.5, maximum: 0.5)), inputs: ["side"]),
            .init(name: "prod", operation: .merge(BroadcastBinary(.mul)), inputs: ["d2s", "clip"]),
            .init(name: "elu", operation: .layer(ELU(alpha: 0.5)), inputs: ["c2"]),
            .init(name: "linear", operation: .layer(Resize2d(mode: .linear, target: .scales(y: 2, x: 2))), inputs: ["elu"]),
            .init(name: "hsig", operation: .layer(HardSigmoid()), inputs: ["c2"]),
            .init(name: "nearest", operation: .layer(Resize2d(mode: .nearest, target: .scales(y: 2, x: 2))), inputs: ["hsig"]),
            .init(name: "sum", operation: .merge(Add()), inputs: ["linear", "nearest"]),
            .init(name: "pad", operation: .layer(Pad2d(channels: (1, 0), rows: (2, 1), columns: (0, 3), mode: .constant(0.5))), inputs: ["clip"]),
            .init(name: "valid", operation: .layer(try random.conv(3, 2, kernel: (3, 3))), inputs: ["pad"]),
        ], outputs: ["prod", "sum", "valid"])
        let field = ReceptiveField(graph: graph)
        XCTAssertTrue(field.isTileable, field.untileableReason ?? "")
        XCTAssertEqual(field.alignment, SpatialPair(2))
        try assertTilingIsExact(graph, channels: 3, name: "onnx", frames: [(38, 54), (64, 96)])
        let fixed = try Graph(nodes: [.init(name: "r", operation: .layer(Resize2d(target: .sizes(height: 9, width: 9))), inputs: [Graph.inputName])],
                              outputs: ["r"])
        XCTAssertEqual(ReceptiveField(graph: fixed).untileableReason,
                       "layer \"r\" (Resize2d) to fixed sizes or by scales that are not whole places its samples by the frame's size")
        let mirrored = try Graph(nodes: [.init(name: "p", operation: .layer(Pad2d(rows: (1, 1), columns: (1, 1), mode: .reflect)), inputs: [Graph.inputName])],
                                 outputs: ["p"])
        XCTAssertEqual(ReceptiveField(graph: mirrored).untileableReason,
                       "layer \"p\" (Pad2d) that mirrors, repeats or crops the frame's edge depends on where the frame ends")
    }

    /// Unpadded convolutions shrink the output, a 1×1 convolution with padding 1 grows it; the
    /// input itself is an output too.
    func testShrinkingAndGrowingOutputsTiledEqualsWhole() throws {
        var random = SplitMix(seed: 3)
        let graph = try Graph(nodes: [
            .init(name: "valid", operation: .layer(try random.conv(1, 4, kernel: (3, 3))), inputs: [Graph.inputName]),
            .init(name: "down", operation: .layer(try random.conv(4, 4, kernel: (2, 2), stride: (2, 2))), inputs: ["valid"]),
            .init(name: "grow", operation: .layer(try random.conv(4, 2, kernel: (1, 1), padding: (1, 1))), inputs: ["down"]),
            .init(name: "out", operation: .layer(Sigmoid()), inputs: ["grow"]),
        ], outputs: ["out", Graph.inputName])
        try assertTilingIsExact(graph, channels: 1, name: "valid")
    }

    /// Tiles are used only when the estimated activations exceed the budget, and then fit it.
    func testTheBudgetDecidesWhenToTile() throws {
        var random = SplitMix(seed: 4)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 8, kernel: (3, 3), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "r1", operation: .layer(ReLU()), inputs: ["c1"]),
            .init(name: "c2", operation: .layer(try random.conv(8, 4, kernel: (3, 3), padding: (1, 1))), inputs: ["r1"]),
        ], outputs: ["c2"])
        let input = random.tensor(Shape(2, 3, 96, 64))
        let expected = graph.forward(input, context: ExecutionContext()).map(\.array)
        let forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph), budgetBytes: 1 << 30)
        let whole = try forward.estimatedPeakBytes(for: input.shape)
        XCTAssertEqual(whole, (input.count + 2 * (8 + 4) * 96 * 64) * 4, "input + c1 (r1 runs in place) + c2")

        forward.budgetBytes = whole
        XCTAssertEqual(forward.forward(input, context: ExecutionContext()).map(\.array), expected)
        XCTAssertEqual(forward.lastTileCount, 1)
        XCTAssertNil(forward.lastTileSize)

        forward.budgetBytes = whole / 3
        let tiled = forward.forward(input, context: ExecutionContext())
        XCTAssertGreaterThan(forward.lastTileCount, 1)
        let size = try XCTUnwrap(forward.lastTileSize)
        XCTAssertEqual(size.width, 64, "strips keep whole rows")
        XCTAssertLessThanOrEqual(try forward.estimatedPeakBytes(for: Shape(2, 3, size.height + 4, 64)), whole / 3)
        assertClose(tiled[0], expected[0], "budget")
    }

    func testPeakEstimateCountsTensorsUntilTheirLastReader() throws {
        var random = SplitMix(seed: 5)
        let graph = try Graph(nodes: [
            .init(name: "a", operation: .layer(try random.conv(3, 8, kernel: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "act", operation: .layer(ReLU()), inputs: ["a"]),
            .init(name: "b", operation: .layer(try random.conv(8, 4, kernel: (1, 1))), inputs: ["act"]),
            .init(name: "skip", operation: .layer(try random.conv(3, 2, kernel: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "kept", operation: .layer(Sigmoid()), inputs: ["skip"]),
            .init(name: "unused", operation: .layer(try random.conv(3, 64, kernel: (1, 1))), inputs: [Graph.inputName]),
        ], outputs: ["b", "skip", "kept"])
        let forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph))
        // Input 300. a 800; act in place; + b 400 = 1200; act freed: 400; + skip 200; kept cannot
        // overwrite skip (an output): + 200 = 800. unused never runs.
        XCTAssertEqual(try forward.estimatedPeakBytes(for: Shape(1, 3, 10, 10)), (300 + 1200) * 4)
        let tail = try Graph(nodes: Array(graph.nodes.prefix(5)), outputs: ["kept"])
        // Only skip and kept run: skip 200, which kept overwrites.
        XCTAssertEqual(try TiledForward(graph: tail, field: nil).estimatedPeakBytes(for: Shape(1, 3, 10, 10)), (300 + 200) * 4)
    }

    /// A global pool averages the whole frame: no tiling, whatever is asked, and the runner says
    /// why.
    func testUntileableModelRunsWholeAndSaysSo() throws {
        var random = SplitMix(seed: 6)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 4, kernel: (3, 3), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "pooled", operation: .layer(GlobalAvgPool2d()), inputs: ["c1"]),
        ], outputs: ["c1", "pooled"])
        let input = random.tensor(Shape(1, 3, 37, 53))
        let expected = graph.forward(input, context: ExecutionContext()).map(\.array)

        let forced = TiledForward(graph: graph, field: ReceptiveField(graph: graph), forcedTile: (8, 8))
        XCTAssertEqual(forced.untileableReason, "layer \"pooled\" (GlobalAvgPool2d) averages over the whole frame")
        XCTAssertEqual(forced.forward(input, context: ExecutionContext()).map(\.array), expected)
        XCTAssertEqual(forced.lastTileCount, 1)

        let overBudget = TiledForward(graph: graph, field: ReceptiveField(graph: graph), budgetBytes: 1024)
        XCTAssertEqual(overBudget.forward(input, context: ExecutionContext()).map(\.array), expected)
        XCTAssertEqual(overBudget.lastTileCount, 1)

        let unknown = TiledForward(graph: graph, field: nil, forcedTile: (8, 8))
        XCTAssertEqual(unknown.untileableReason, "no receptive field was given")
        XCTAssertEqual(unknown.forward(input, context: ExecutionContext()).map(\.array), expected)
        XCTAssertEqual(unknown.lastTileCount, 1)
    }

    /// The assembled outputs keep their buffers from batch to batch (a smaller last batch too),
    /// and each batch is right.
    func testBuffersAreReusedAcrossBatches() throws {
        var random = SplitMix(seed: 7)
        let graph = try Graph(nodes: [
            .init(name: "c1", operation: .layer(try random.conv(3, 4, kernel: (3, 3), stride: (2, 2), padding: (1, 1))), inputs: [Graph.inputName]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 2), mode: .bilinear)), inputs: ["c1"]),
        ], outputs: ["up"])
        let reference = try Graph(nodes: graph.nodes, outputs: graph.outputs)
        let forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph), forcedTile: (10, 12))
        var storage: TensorStorage?
        for batch in [2, 1, 2] {
            let input = random.tensor(Shape(batch, 3, 37, 53))
            let expected = reference.forward(input, context: ExecutionContext())[0]
            let got = forward.forward(input, context: ExecutionContext())[0]
            XCTAssertGreaterThan(forward.lastTileCount, 1)
            assertClose(got, expected.array, "batch \(batch)")
            if let storage {
                XCTAssertTrue(got.storage === storage, "batch \(batch) reuses the output buffer")
            }
            storage = got.storage
        }
    }

    /// Runs `graph` whole and with every forced tile size on every frame size, and compares.
    private func assertTilingIsExact(_ graph: Graph, channels: Int, name: String, frames: [(Int, Int)]? = nil,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let field = ReceptiveField(graph: graph)
        XCTAssertTrue(field.isTileable, "\(name): \(field.untileableReason ?? "")", file: file, line: line)
        var random = SplitMix(seed: 42)
        for (height, width) in frames ?? self.frames {
            let input = random.tensor(Shape(2, channels, height, width))
            let expected = graph.forward(input, context: ExecutionContext()).map { (shape: $0.shape, values: $0.array) }
            for (tileHeight, tileWidth) in tiles {
                let forward = TiledForward(graph: graph, field: field, forcedTile: (tileHeight, tileWidth))
                let got = forward.forward(input, context: ExecutionContext())
                let label = "\(name) \(width)×\(height), tiles \(tileWidth)×\(tileHeight)"
                XCTAssertGreaterThan(forward.lastTileCount, 1, label, file: file, line: line)
                // The cores asked for (rounded up to the grid) were used, not a fallback.
                let size = forward.lastTileSize
                XCTAssertEqual(size?.height, min(height, (tileHeight + field.alignment.y - 1) / field.alignment.y * field.alignment.y), label, file: file, line: line)
                XCTAssertEqual(size?.width, min(width, (tileWidth + field.alignment.x - 1) / field.alignment.x * field.alignment.x), label, file: file, line: line)
                XCTAssertEqual(got.map(\.shape), expected.map(\.shape), label, file: file, line: line)
                for (index, output) in got.enumerated() where output.shape == expected[index].shape {
                    assertClose(output, expected[index].values, "\(label), output \(graph.outputs[index])", file: file, line: line)
                }
            }
        }
    }

    /// `max |got - expected| <= 1e-5 * max(1, max |expected|)`.
    private func assertClose(_ got: Tensor, _ expected: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let values = got.array
        XCTAssertEqual(values.count, expected.count, message, file: file, line: line)
        let scale = max(1, expected.map(abs).max() ?? 0)
        var worst: Float = 0
        for (a, b) in zip(values, expected) where !(abs(a - b) <= worst) {
            worst = abs(a - b).isNaN ? .infinity : abs(a - b)
        }
        XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(message): max difference \(worst), scale \(scale)", file: file, line: line)
    }

    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// SplitMix64 random numbers for weights and frames, the same on every run.
private struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// Uniform in `-1 ... 1`.
    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    /// A tensor of `shape` with samples in `0 ... 1`, as frames have.
    mutating func tensor(_ shape: Shape) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.count).map { _ in (next() + 1) / 2 })
    }

    /// A convolution with weights uniform in `±1 / sqrt(fan-in)` and a bias.
    mutating func conv(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                       padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1,
                       border: BorderMode = .zero) throws -> Conv2d {
        let fanIn = inChannels / groups * kernel.0 * kernel.1
        let bound = 1 / Float(fanIn).squareRoot()
        let weight = Shape(outChannels, inChannels / groups, kernel.0, kernel.1)
        return try Conv2d(
            weight: Tensor(shape: weight, values: (0..<weight.count).map { _ in next() * bound }),
            bias: Tensor(shape: Shape(outChannels), values: (0..<outChannels).map { _ in next() * 0.1 }),
            stride: stride, padding: padding, dilation: dilation, groups: groups, border: border
        )
    }
}
