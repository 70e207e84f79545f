import ConvoyNN
import ConvoyTensor
import XCTest

/// Graphs whose runs of convolutions, activations and max pools go to oneDNN's blocked chains
/// (`ConvolutionEngine.blocked`, the default) against the same graphs layer by layer with im2col
/// (`.im2col`, itself tested against the direct convolution), within 1e-4.
final class BlockedRunTests: XCTestCase {
    private func convolution(_ input: Int, _ output: Int, kernel: Int = 3, padding: Int = 1, activation: ConvolutionActivation = .none,
                             random: inout SeededGenerator) throws -> Conv2d {
        let weight = Tensor(shape: Shape(output, input, kernel, kernel), values: random.floats(output * input * kernel * kernel))
        return try Conv2d(weight: weight, bias: Tensor(shape: Shape(output), values: random.floats(output)), padding: (padding, padding),
                          activation: activation)
    }

    private func prelu(_ channels: Int, random: inout SeededGenerator) throws -> PReLU {
        try PReLU(weight: Tensor(shape: Shape(channels), values: random.floats(channels).map { abs($0) * 0.3 }))
    }

    /// Both engines on `input` with `threads` workers: every output within 1e-4.
    private func compare(_ graph: Graph, input: Tensor, threads: Int, file: StaticString = #filePath, line: UInt = #line) {
        let blocked = ExecutionContext(threads: threads)
        let im2col = ExecutionContext(threads: threads)
        im2col.convolutionEngine = .im2col
        let want = graph.forward(input, context: im2col).map { Tensor(shape: $0.shape, values: $0.array) }
        for run in 0..<2 {
            let got = graph.forward(input, context: blocked)
            for (index, (a, b)) in zip(got, want).enumerated() {
                assertClose(a, b, "output \(index), threads \(threads), batch \(input.shape.n), run \(run)", file: file, line: line)
            }
        }
    }

    /// A PNet-shaped graph (PReLU, a ceil-mode pool, a trunk read by two heads, one of them a
    /// softmax after a 1×1 convolution) and tiny-features' (ReLU fused into each convolution,
    /// the pool into the first): batches of 1, 2 and 3 images (shared by the workers, left over,
    /// or both) on 1 and 2 threads.
    func testNetworksMatchIm2col() throws {
        var random = SeededGenerator(seed: 1717)
        let pnet = try Graph(nodes: [
            .init(name: "conv1", operation: .layer(try convolution(3, 10, padding: 0, random: &random)), inputs: [Graph.inputName]),
            .init(name: "prelu1", operation: .layer(try prelu(10, random: &random)), inputs: ["conv1"]),
            .init(name: "pool1", operation: .layer(try MaxPool2d(kernel: (2, 2), ceilMode: true)), inputs: ["prelu1"]),
            .init(name: "conv2", operation: .layer(try convolution(10, 16, padding: 0, random: &random)), inputs: ["pool1"]),
            .init(name: "prelu2", operation: .layer(try prelu(16, random: &random)), inputs: ["conv2"]),
            .init(name: "conv3", operation: .layer(try convolution(16, 32, padding: 0, random: &random)), inputs: ["prelu2"]),
            .init(name: "prelu3", operation: .layer(try prelu(32, random: &random)), inputs: ["conv3"]),
            .init(name: "conv4_1", operation: .layer(try convolution(32, 2, kernel: 1, padding: 0, random: &random)), inputs: ["prelu3"]),
            .init(name: "prob", operation: .layer(ChannelSoftmax()), inputs: ["conv4_1"]),
            .init(name: "conv4_2", operation: .layer(try convolution(32, 4, kernel: 1, padding: 0, random: &random)), inputs: ["prelu3"]),
        ], outputs: ["prob", "conv4_2"])
        let tiny = try Graph(nodes: [
            .init(name: "conv1", operation: .layer(try convolution(3, 16, activation: .relu, random: &random).fusingMaxPool()),
                  inputs: [Graph.inputName]),
            .init(name: "conv2", operation: .layer(try convolution(16, 32, activation: .relu, random: &random)), inputs: ["conv1"]),
            .init(name: "conv3", operation: .layer(try convolution(32, 32, activation: .relu, random: &random)), inputs: ["conv2"]),
        ], outputs: ["conv3"])
        for batch in [1, 2, 3] {
            for threads in [1, 2] {
                compare(pnet, input: Tensor(shape: Shape(batch, 3, 29, 37), values: random.floats(batch * 3 * 29 * 37)), threads: threads)
                compare(tiny, input: Tensor(shape: Shape(batch, 3, 24, 34), values: random.floats(batch * 3 * 24 * 34)), threads: threads)
            }
        }
    }

    /// Runs end where the graph needs them to: at a node read twice or a graph output (`mid` is
    /// both), and before a pool whose buffer would be the run's input's (the sigmoid's, in place
    /// on the first convolution's buffer): the chain would overwrite what it reads.
    func testRunsStopAtSharedResultsAndBuffers() throws {
        var random = SeededGenerator(seed: 99)
        let graph = try Graph(nodes: [
            .init(name: "conv1", operation: .layer(try convolution(4, 8, random: &random)), inputs: [Graph.inputName]),
            .init(name: "sigmoid", operation: .layer(Sigmoid()), inputs: ["conv1"]),
            .init(name: "conv2", operation: .layer(try convolution(8, 16, random: &random)), inputs: ["sigmoid"]),
            .init(name: "pool", operation: .layer(try MaxPool2d(kernel: (2, 2))), inputs: ["conv2"]),
            .init(name: "conv3", operation: .layer(try convolution(16, 16, random: &random)), inputs: ["pool"]),
            .init(name: "mid", operation: .layer(ReLU()), inputs: ["conv3"]),
            .init(name: "conv4", operation: .layer(try convolution(16, 8, random: &random)), inputs: ["mid"]),
            .init(name: "sum", operation: .merge(Add()), inputs: ["conv4", "conv4"]),
        ], outputs: ["sum", "mid"])
        for threads in [1, 2] {
            compare(graph, input: Tensor(shape: Shape(3, 4, 20, 22), values: random.floats(3 * 4 * 20 * 22)), threads: threads)
        }
    }
}
