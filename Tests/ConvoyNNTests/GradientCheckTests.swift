import ConvoyNN
import ConvoyTensor
import XCTest

/// Every backward pass against finite differences of the Double reference (see `GradientCheck`
/// for the method and the tolerance), swept over shapes and settings.
final class GradientCheckTests: XCTestCase {
    private var generator = SeededGenerator(seed: 606)

    private func random(_ shape: Shape) -> Tensor {
        Tensor(shape: shape, values: generator.floats(shape.count))
    }

    private func check(_ layer: Layer, _ shape: Shape, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        GradientCheck.check(.layer(layer), [random(shape)], generator: &generator, label, file: file, line: line)
    }

    func testConvolutionOverStridePaddingDilationGroupsAndBorders() throws {
        var checked = 0
        while checked < 40 {
            let groups = Int.random(in: 1...3, using: &generator)
            let inChannels = groups * Int.random(in: 1...2, using: &generator)
            let outChannels = groups * Int.random(in: 1...2, using: &generator)
            let (height, width) = (Int.random(in: 1...6, using: &generator), Int.random(in: 1...6, using: &generator))
            let kernel = (y: Int.random(in: 1...3, using: &generator), x: Int.random(in: 1...3, using: &generator))
            let stride = (y: Int.random(in: 1...3, using: &generator), x: Int.random(in: 1...3, using: &generator))
            let padding = (y: Int.random(in: 0...2, using: &generator), x: Int.random(in: 0...2, using: &generator))
            let dilation = (y: Int.random(in: 1...2, using: &generator), x: Int.random(in: 1...2, using: &generator))
            let border = BorderMode.allCases.randomElement(using: &generator)!
            guard height + 2 * padding.y >= dilation.y * (kernel.y - 1) + 1, width + 2 * padding.x >= dilation.x * (kernel.x - 1) + 1 else {
                continue
            }
            let hasBias = Bool.random(using: &generator)
            let conv = try Conv2d(weight: random(Shape(outChannels, inChannels / groups, kernel.y, kernel.x)),
                                  bias: hasBias ? random(Shape(outChannels)) : nil,
                                  stride: stride, padding: padding, dilation: dilation, groups: groups, border: border)
            let batch = Int.random(in: 1...2, using: &generator)
            check(conv, Shape(batch, inChannels, height, width),
                  "conv \(inChannels)->\(outChannels) k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups) \(border) bias \(hasBias) on \(height)x\(width)")
            checked += 1
        }
    }

    func testElementwiseLayers() throws {
        let shape = Shape(2, 4, 3, 5)
        check(ReLU(), shape, "relu")
        check(LeakyReLU(negativeSlope: 0.1), shape, "leaky_relu")
        check(try PReLU(weight: random(Shape(4))), shape, "prelu per channel")
        check(try PReLU(weight: random(Shape(1))), shape, "prelu shared")
        check(Sigmoid(), shape, "sigmoid")
        check(Tanh(), shape, "tanh")
        check(ChannelSoftmax(), shape, "softmax")
        check(try Normalize(mean: [0.1, 0.2, 0.3, 0.4], std: [0.5, 0.25, 2, 1], scale: 1.5), shape, "normalize")
        check(GlobalAvgPool2d(), shape, "global_avgpool")
        check(try PixelShuffle(upscaleFactor: 2), shape, "pixel_shuffle 2")
        check(try PixelShuffle(upscaleFactor: 1), Shape(1, 3, 2, 2), "pixel_shuffle 1")
    }

    func testPooling() throws {
        let settings: [(kernel: (y: Int, x: Int), stride: (y: Int, x: Int), padding: (y: Int, x: Int), ceil: Bool)] = [
            ((2, 2), (2, 2), (0, 0), false),
            ((3, 3), (2, 2), (1, 1), true),
            ((3, 2), (1, 2), (1, 0), false),
            ((2, 3), (2, 1), (0, 1), true),
        ]
        for setting in settings {
            let label = "k\(setting.kernel) s\(setting.stride) p\(setting.padding) ceil \(setting.ceil)"
            check(try MaxPool2d(kernel: setting.kernel, stride: setting.stride, padding: setting.padding, ceilMode: setting.ceil),
                  Shape(2, 2, 7, 6), "maxpool " + label)
            for includePad in [true, false] {
                check(try AvgPool2d(kernel: setting.kernel, stride: setting.stride, padding: setting.padding, ceilMode: setting.ceil,
                                    countIncludePad: includePad), Shape(1, 2, 7, 6), "avgpool count_include_pad \(includePad) " + label)
            }
        }
        check(try AvgPool2d(kernel: (2, 2), divisorOverride: 3), Shape(1, 1, 4, 4), "avgpool divisor 3")
        check(try MaxPool2d(kernel: (2, 3), stride: (1, 2), padding: (1, 1), ceilMode: true, dilation: (3, 2)), Shape(2, 2, 7, 6),
              "maxpool dilated (3, 2)")
    }

    func testUpsampling() {
        check(Upsample(scale: (2, 3), mode: .nearest), Shape(1, 2, 3, 4), "nearest 2x3")
        check(Upsample(scale: (2, 2), mode: .bilinear), Shape(1, 2, 3, 4), "bilinear 2")
        check(Upsample(scale: (2, 2), mode: .bilinear, alignCorners: true), Shape(1, 2, 3, 4), "bilinear 2 align_corners")
        check(Upsample(scale: (3, 1), mode: .bilinear), Shape(2, 1, 2, 3), "bilinear 3x1")
        check(Upsample(scale: (2, 2), mode: .bilinear, alignCorners: true), Shape(1, 1, 1, 1), "bilinear 1 sample align_corners")
    }

    func testMerges() {
        let shape = Shape(2, 2, 3, 4)
        GradientCheck.check(.merge(Add()), [random(shape), random(shape)], generator: &generator, "add 2")
        GradientCheck.check(.merge(Add()), [random(shape), random(shape), random(shape)], generator: &generator, "add 3")
        GradientCheck.check(.merge(Concat()), [random(shape), random(Shape(2, 3, 3, 4))], generator: &generator, "concat 2")
        GradientCheck.check(.merge(Concat()), [random(Shape(1, 1, 2, 2)), random(Shape(1, 2, 2, 2)), random(Shape(1, 1, 2, 2))],
                            generator: &generator, "concat 3")
    }

    /// A two-head network with every kind of node: shared trunk, strided and dilated grouped
    /// convolutions, pooling, upsampling, a residual add, a concat that reads a tensor read
    /// elsewhere too, and two outputs, checked with both heads in the loss and with one.
    func testTwoHeadNetwork() throws {
        func conv(_ o: Int, _ i: Int, _ k: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1,
                  border: BorderMode = .zero) throws -> Graph.Operation {
            .layer(try Conv2d(weight: Tensor(shape: Shape(o, i / groups, k, k), values: generator.floats(o * i / groups * k * k).map { $0 * 0.5 }),
                              bias: random(Shape(o)), stride: (stride, stride), padding: (padding, padding),
                              dilation: (dilation, dilation), groups: groups, border: border))
        }
        let nodes: [Graph.Node] = [
            .init(name: "norm", operation: .layer(try Normalize(mean: [0.5], std: [0.25])), inputs: [Graph.inputName]),
            .init(name: "c1", operation: try conv(4, 3, 3, padding: 1, border: .reflect), inputs: ["norm"]),
            .init(name: "a1", operation: .layer(try PReLU(weight: random(Shape(4)))), inputs: ["c1"]),
            // Head 1: strided dilated convolution, sigmoid.
            .init(name: "h1", operation: try conv(2, 4, 3, stride: 2, padding: 2, dilation: 2), inputs: ["a1"]),
            .init(name: "p1", operation: .layer(Sigmoid()), inputs: ["h1"]),
            // Trunk: pool, grouped convolution, upsample back, residual add.
            .init(name: "pool", operation: .layer(try MaxPool2d(kernel: (2, 2))), inputs: ["a1"]),
            .init(name: "c2", operation: try conv(4, 4, 3, padding: 1, groups: 2, border: .replicate), inputs: ["pool"]),
            .init(name: "a2", operation: .layer(LeakyReLU(negativeSlope: 0.1)), inputs: ["c2"]),
            .init(name: "up", operation: .layer(Upsample(scale: (2, 2), mode: .bilinear)), inputs: ["a2"]),
            .init(name: "res", operation: .merge(Add()), inputs: ["up", "a1"]),
            .init(name: "avg", operation: .layer(try AvgPool2d(kernel: (3, 3), stride: (1, 1), padding: (1, 1))), inputs: ["res"]),
            .init(name: "t", operation: .layer(Tanh()), inputs: ["avg"]),
            .init(name: "cat", operation: .merge(Concat()), inputs: ["t", "a1", "norm"]),
            .init(name: "c3", operation: try conv(3, 11, 1), inputs: ["cat"]),
            .init(name: "p2", operation: .layer(ChannelSoftmax()), inputs: ["c3"]),
        ]
        let graph = try TrainableGraph(nodes: nodes, outputs: ["p1", "p2"])
        XCTAssertEqual(graph.parameters.map(\.name), ["c1.weight", "c1.bias", "a1.weight", "h1.weight", "h1.bias",
                                                      "c2.weight", "c2.bias", "c3.weight", "c3.bias"])
        let input = Tensor(shape: Shape(2, 3, 6, 6), values: generator.floats(216).map { ($0 + 1) / 2 })
        GradientCheck.checkGraph(graph, input: input, use: [true, true], generator: &generator)
        GradientCheck.checkGraph(graph, input: input, use: [false, true], generator: &generator)
        // With only the first head in the loss, the second head's parameters get no gradient.
        GradientCheck.checkGraph(graph, input: input, use: [true, false], generator: &generator)
        XCTAssertTrue(graph.parameter(named: "c3.weight")!.gradient.array.allSatisfy { $0 == 0 })
    }
}
