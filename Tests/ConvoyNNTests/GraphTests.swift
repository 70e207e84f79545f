import ConvoyNN
import ConvoyTensor
import Foundation
import XCTest

final class GraphTests: XCTestCase {
    private func node(_ name: String, _ layer: Layer, _ inputs: String...) -> Graph.Node {
        Graph.Node(name: name, operation: .layer(layer), inputs: inputs)
    }

    private func merge(_ name: String, _ layer: MergeLayer, _ inputs: String...) -> Graph.Node {
        Graph.Node(name: name, operation: .merge(layer), inputs: inputs)
    }

    private func assertError(_ expected: GraphError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? GraphError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), "one-line description", file: file, line: line)
        }
    }

    private func conv(_ random: inout SeededGenerator, _ outChannels: Int, _ inChannels: Int, _ kernel: Int) throws -> Conv2d {
        try Conv2d(
            weight: Tensor(shape: Shape(outChannels, inChannels, kernel, kernel), values: random.floats(outChannels * inChannels * kernel * kernel)),
            bias: Tensor(shape: Shape(outChannels), values: random.floats(outChannels)),
            padding: (kernel / 2, kernel / 2)
        )
    }

    func testConstructionErrors() {
        assertError(.duplicateName("a")) {
            try Graph(nodes: [self.node("a", ReLU(), "input"), self.node("a", ReLU(), "input")], outputs: ["a"])
        }
        assertError(.duplicateName("input")) { try Graph(nodes: [self.node("input", ReLU(), "input")], outputs: ["input"]) }
        assertError(.emptyNodeName(index: 1)) {
            try Graph(nodes: [self.node("a", ReLU(), "input"), self.node("", ReLU(), "a")], outputs: ["a"])
        }
        assertError(.unknownInput(node: "a", input: "b")) {
            try Graph(nodes: [self.node("a", ReLU(), "b"), self.node("b", ReLU(), "input")], outputs: ["a"])
        }
        assertError(.unknownInput(node: "a", input: "a")) { try Graph(nodes: [self.node("a", ReLU(), "a")], outputs: ["a"]) }
        assertError(.unknownOutput("c")) { try Graph(nodes: [self.node("a", ReLU(), "input")], outputs: ["a", "c"]) }
        assertError(.noOutputs) { try Graph(nodes: [self.node("a", ReLU(), "input")], outputs: []) }
        assertError(.layerInputCount(node: "a", count: 2)) { try Graph(nodes: [self.node("a", ReLU(), "input", "input")], outputs: ["a"]) }
        assertError(.layerInputCount(node: "a", count: 0)) { try Graph(nodes: [self.node("a", ReLU())], outputs: ["a"]) }
        assertError(.mergeInputCount(node: "m", count: 1)) {
            try Graph(nodes: [self.node("a", ReLU(), "input"), self.merge("m", Add(), "a")], outputs: ["m"])
        }
        XCTAssertEqual(
            GraphError.unknownInput(node: "head", input: "trunk").description,
            "graph node 'head' reads 'trunk', which is not the graph input or an earlier node"
        )
    }

    func testShapesNameTheNodeThatDoesNotFit() throws {
        var random = SeededGenerator(seed: 5)
        let graph = try Graph(nodes: [
            node("first", try conv(&random, 4, 3, 3), "input"),
            node("second", try conv(&random, 2, 5, 1), "first"),
        ], outputs: ["second"])
        assertError(.invalidNode(node: "second", error: .inputChannelMismatch(expected: 5, actual: 4))) {
            try graph.shapes(for: Shape(1, 3, 8, 8))
        }
        assertError(.invalidNode(node: "first", error: .inputNotRank4(Shape(3, 8, 8)))) { try graph.outputShapes(for: Shape(3, 8, 8)) }

        let merged = try Graph(nodes: [
            node("pool", try MaxPool2d(kernel: (2, 2)), "input"),
            merge("cat", Concat(), "pool", "input"),
        ], outputs: ["cat"])
        assertError(.invalidNode(node: "cat", error: .mergeShapeMismatch(first: Shape(1, 3, 4, 4), index: 1, shape: Shape(1, 3, 8, 8)))) {
            try merged.shapes(for: Shape(1, 3, 8, 8))
        }
        XCTAssertTrue(String(describing: GraphError.invalidNode(node: "cat", error: .tooFewInputs(minimum: 2, actual: 1))).hasPrefix("graph node 'cat': "))
    }

    /// conv → relu → pool → conv → add(pool) → sigmoid → upsample → concat(relu) → 1×1 conv,
    /// with outputs [head, pool, input], against the same layers run one by one.
    func testForwardMatchesLayersRunOneByOneAndReusesBuffers() throws {
        var random = SeededGenerator(seed: 9)
        let c1 = try conv(&random, 6, 3, 3)
        let pool = try MaxPool2d(kernel: (2, 2))
        let c2 = try conv(&random, 6, 6, 3)
        let up = Upsample(scale: (2, 2), mode: .nearest)
        let head = try conv(&random, 2, 12, 1)
        let graph = try Graph(nodes: [
            node("c1", c1, "input"),
            node("r1", ReLU(), "c1"),
            node("pool", pool, "r1"),
            node("c2", c2, "pool"),
            merge("sum", Add(), "c2", "pool"),
            node("squash", Sigmoid(), "sum"),
            node("up", up, "squash"),
            merge("cat", Concat(), "up", "r1"),
            node("head", head, "cat"),
        ], outputs: ["head", "pool", "input"])
        XCTAssertEqual(try graph.outputShapes(for: Shape(3, 3, 8, 10)), [Shape(3, 2, 8, 10), Shape(3, 6, 4, 5), Shape(3, 3, 8, 10)])
        let shapes = try graph.shapes(for: Shape(3, 3, 8, 10))
        XCTAssertEqual(shapes.count, 9)
        XCTAssertEqual(shapes["cat"], Shape(3, 12, 8, 10))
        XCTAssertLessThan(graph.bufferCount, 9, "buffers are shared")

        let context = ExecutionContext(tileColumns: 17)
        func run(_ layer: Layer, _ input: Tensor) -> Tensor {
            let output = Tensor(shape: layer.outputShape(for: input.shape))
            layer.forward(input, into: output, context: context)
            return output
        }
        func runMerge(_ layer: MergeLayer, _ inputs: [Tensor]) throws -> Tensor {
            let output = Tensor(shape: try layer.validatedOutputShape(for: inputs.map(\.shape)))
            layer.forward(inputs, into: output, context: context)
            return output
        }

        var storages: [TensorStorage] = []
        for batch in [3, 2, 3, 1] {
            let input = Tensor(shape: Shape(batch, 3, 8, 10), values: random.floats(batch * 240))
            let r1 = run(ReLU(), run(c1, input))
            let pooled = run(pool, r1)
            let squashed = run(Sigmoid(), try runMerge(Add(), [run(c2, pooled), pooled]))
            let expected = run(head, try runMerge(Concat(), [run(up, squashed), r1]))

            let outputs = graph.forward(input, context: context)
            XCTAssertEqual(outputs.count, 3)
            assertClose(outputs[0], expected, "head, batch \(batch)")
            assertClose(outputs[1], pooled, "pool, batch \(batch)")
            XCTAssertTrue(outputs[2].storage === input.storage, "an output naming the input is the input")
            XCTAssertEqual(graph.buffers.count, graph.bufferCount)
            if storages.isEmpty {
                storages = graph.buffers
            } else {
                XCTAssertTrue(zip(storages, graph.buffers).allSatisfy { $0 === $1 }, "batch \(batch) reallocated a buffer")
            }
        }
    }

    func testBuffersGrowForALargerBatch() throws {
        let graph = try Graph(nodes: [node("pool", try AvgPool2d(kernel: (2, 2)), "input"), node("relu", ReLU(), "pool")], outputs: ["relu"])
        let context = ExecutionContext()
        let small = Tensor(shape: Shape(1, 1, 2, 2), values: [-1, -2, -3, -4])
        XCTAssertEqual(graph.forward(small, context: context)[0].array, [0])
        let large = Tensor(shape: Shape(2, 1, 2, 2), values: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(graph.forward(large, context: context)[0].array, [2.5, 6.5])
        XCTAssertGreaterThanOrEqual(graph.buffers[0].capacity, 2)
    }

    /// In-place layers overwrite their input's buffer unless something else still reads it.
    func testInPlaceLayersShareTheirInputBuffer() throws {
        var random = SeededGenerator(seed: 4)
        let convolution = try conv(&random, 2, 1, 3)
        let chain = try Graph(nodes: [
            node("conv", convolution, "input"),
            node("relu", ReLU(), "conv"),
            node("bn", try BatchNorm2d(
                weight: Tensor(shape: Shape(2), values: [2, 3]), bias: Tensor(shape: Shape(2), values: [1, -1]),
                runningMean: Tensor(shape: Shape(2), values: [0, 0]), runningVar: Tensor(shape: Shape(2), values: [1, 1]), eps: 0
            ), "relu"),
        ], outputs: ["bn"])
        XCTAssertEqual(chain.bufferCount, 1)

        let keepsRelu = try Graph(nodes: [
            node("conv", convolution, "input"),
            node("relu", ReLU(), "conv"),
            node("squash", Sigmoid(), "relu"),
        ], outputs: ["squash", "relu"])
        XCTAssertEqual(keepsRelu.bufferCount, 2)
        let input = Tensor(shape: Shape(1, 1, 4, 4), values: random.floats(16))
        let outputs = keepsRelu.forward(input, context: ExecutionContext())
        let relu = outputs[1].array
        XCTAssertTrue(relu.allSatisfy { $0 >= 0 })
        for (squashed, rectified) in zip(outputs[0].array, relu) {
            XCTAssertEqual(squashed, 1 / (1 + Float(exp(Double(-rectified)))), accuracy: 1e-6)
        }
    }

    func testNodesNoOutputNeedsDoNotRun() throws {
        let used = CallCounter()
        let unused = CallCounter()
        let graph = try Graph(nodes: [
            node("used", used, "input"),
            node("unused", unused, "input"),
            node("after", ReLU(), "unused"),
        ], outputs: ["used", "used"])
        XCTAssertEqual(try graph.shapes(for: Shape(1, 1, 2, 2)).keys.sorted(), ["after", "unused", "used"])
        let input = Tensor(shape: Shape(1, 1, 2, 2), values: [1, -2, 3, -4])
        let outputs = graph.forward(input, context: ExecutionContext())
        XCTAssertEqual(used.calls, 1)
        XCTAssertEqual(unused.calls, 0)
        XCTAssertEqual(outputs.map(\.array), [[1, -2, 3, -4], [1, -2, 3, -4]])
        XCTAssertEqual(graph.bufferCount, 1)
    }
}
