import ConvoyNN
import ConvoyTensor
import XCTest

/// End-to-end training on tiny problems: optimizer steps lower the loss, and a single 3×3
/// convolution recovers a known kernel from random data.
final class TrainingTests: XCTestCase {
    private let context = ExecutionContext(gemm: OneDNNMatrixMultiplier())

    /// One conv node (`conv`) over 1 channel, 3×3, padding 1, initial weights given.
    private func singleConvolution(weight: [Float], bias: Bool = false) throws -> TrainableGraph {
        let conv = try Conv2d(weight: Tensor(shape: Shape(1, 1, 3, 3), values: weight),
                              bias: bias ? Tensor(shape: Shape(1)) : nil, padding: (1, 1))
        return try TrainableGraph(nodes: [.init(name: "conv", operation: .layer(conv), inputs: [Graph.inputName])], outputs: ["conv"])
    }

    /// `target = kernel ⋆ input` (correlation, zero padding 1), computed with the direct reference.
    private func problem(kernel: [Float], seed: UInt64, size: Int = 20, batch: Int = 2) -> (input: Tensor, target: Tensor) {
        var generator = SeededGenerator(seed: seed)
        let input = Tensor(shape: Shape(batch, 1, size, size), values: generator.floats(batch * size * size))
        let geometry = Conv2dGeometry(batch: batch, inChannels: 1, inputHeight: size, inputWidth: size, outChannels: 1,
                                      kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1)
        let target = DirectConvolution.forward(input: input, weight: Tensor(shape: Shape(1, 1, 3, 3), values: kernel), bias: nil,
                                               geometry: geometry)
        return (input, target)
    }

    private func loss(_ graph: TrainableGraph, _ input: Tensor, _ target: Tensor) -> Double {
        Loss.mse.evaluate(prediction: graph.forward(input, context: context)[0], target: target)
    }

    private func trainStep(_ graph: TrainableGraph, _ optimizer: Optimizer, _ input: Tensor, _ target: Tensor) -> Double {
        let output = graph.forward(input, context: context)[0]
        let gradient = Tensor(shape: output.shape)
        let value = Loss.mse.evaluate(prediction: output, target: target, gradient: gradient)
        graph.zeroGradients()
        graph.backward(outputGradients: [gradient], context: context)
        optimizer.step(graph.parameters)
        return value
    }

    func testOneSGDAndOneAdamStepLowerTheLoss() throws {
        let sobel: [Float] = [-1, 0, 1, -2, 0, 2, -1, 0, 1]
        let (input, target) = problem(kernel: sobel, seed: 3)
        var generator = SeededGenerator(seed: 4)
        let start = generator.floats(9).map { $0 * 0.3 }
        let optimizers: [Optimizer] = [SGD(learningRate: 0.1, momentum: 0.9), Adam(learningRate: 0.01)]
        for optimizer in optimizers {
            let graph = try singleConvolution(weight: start, bias: true)
            let before = trainStep(graph, optimizer, input, target)
            let after = loss(graph, input, target)
            XCTAssertLessThan(after, before * 0.99, "\(type(of: optimizer)) step did not lower the loss")
        }
    }

    func testSingleConvolutionLearnsAKnownKernel() throws {
        let gaussian: [Float] = [1, 2, 1, 2, 4, 2, 1, 2, 1].map { $0 / 16 }
        let (input, target) = problem(kernel: gaussian, seed: 5)
        let graph = try singleConvolution(weight: [Float](repeating: 0, count: 9))
        let optimizer = SGD(learningRate: 0.5, momentum: 0.5)
        var last = Double.infinity
        for _ in 0..<150 {
            last = trainStep(graph, optimizer, input, target)
        }
        XCTAssertLessThan(last, 1e-8)
        let learned = graph.parameters[0].value.array
        for (index, value) in learned.enumerated() {
            XCTAssertEqual(value, gaussian[index], accuracy: 1e-3, "kernel entry \(index)")
        }
    }

    func testParametersAreNamedAfterTheirNodesAndGradientsAccumulateUntilZeroed() throws {
        let graph = try singleConvolution(weight: [Float](repeating: 0.1, count: 9), bias: true)
        XCTAssertEqual(graph.parameters.map(\.name), ["conv.weight", "conv.bias"])
        let (input, target) = problem(kernel: [Float](repeating: 0, count: 9), seed: 6)
        let output = graph.forward(input, context: context)[0]
        let gradient = Tensor(shape: output.shape)
        Loss.mse.evaluate(prediction: output, target: target, gradient: gradient)
        graph.zeroGradients()
        graph.backward(outputGradients: [gradient], context: context)
        let once = graph.parameters.map(\.gradient.array)
        graph.backward(outputGradients: [gradient], context: context)
        for (parameter, first) in zip(graph.parameters, once) {
            for (twice, single) in zip(parameter.gradient.array, first) {
                XCTAssertEqual(twice, 2 * single, accuracy: 1e-5 * max(1, abs(single)))
            }
        }
        graph.zeroGradients()
        XCTAssertTrue(graph.parameters.allSatisfy { $0.gradient.array.allSatisfy { $0 == 0 } })
    }

    func testOnlyGradientsThatReachAParameterAreComputed() throws {
        // input -> before (no parameters) -> conv -> after; conv's input gradient leads nowhere.
        let before = BackwardCounter(), after = BackwardCounter()
        let conv = try Conv2d(weight: Tensor(shape: Shape(1, 1, 3, 3), values: [Float](repeating: 0.1, count: 9)), bias: nil, padding: (1, 1))
        let graph = try TrainableGraph(nodes: [
            .init(name: "before", operation: .layer(before), inputs: [Graph.inputName]),
            .init(name: "conv", operation: .layer(conv), inputs: ["before"]),
            .init(name: "after", operation: .layer(after), inputs: ["conv"]),
        ], outputs: ["after", "before"])
        let (input, target) = problem(kernel: [Float](repeating: 0, count: 9), seed: 8, size: 5, batch: 1)
        let outputs = graph.forward(input, context: context)
        let gradient = Tensor(shape: outputs[0].shape)
        Loss.mse.evaluate(prediction: outputs[0], target: target, gradient: gradient)
        graph.backward(outputGradients: [gradient, gradient], context: context)
        XCTAssertEqual(after.backwardCalls, 1)
        XCTAssertEqual(after.inputGradientRequests, 1, "conv has parameters: its output gradient is needed")
        XCTAssertEqual(before.backwardCalls, 0, "nothing before 'before' has parameters")
        XCTAssertTrue(graph.parameters[0].gradient.array.contains { $0 != 0 })
    }

    func testLayerWithoutBackwardIsRefusedByName() throws {
        let weight = Tensor(shape: Shape(1), values: [1])
        let batchNorm = try BatchNorm2d(weight: weight, bias: Tensor(shape: Shape(1)), runningMean: Tensor(shape: Shape(1)),
                                        runningVar: Tensor(shape: Shape(1), values: [1]))
        XCTAssertThrowsError(try TrainableGraph(nodes: [.init(name: "bn", operation: .layer(batchNorm), inputs: [Graph.inputName])],
                                                outputs: ["bn"])) { error in
            XCTAssertTrue(String(describing: error).contains("'bn'"), "\(error)")
        }
    }
}
