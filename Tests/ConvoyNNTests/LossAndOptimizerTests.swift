import ConvoyNN
import ConvoyTensor
import XCTest

/// Losses, optimizers and schedules against `TrainingFixtures` (PyTorch's formulas, computed by
/// numpy in float64). Tolerance: 1e-5 relative (float32 arithmetic).
final class LossAndOptimizerTests: XCTestCase {
    private let shape = Shape(2, 3, 2, 2)

    private func tensor(_ values: [Double], _ shape: Shape) -> Tensor {
        Tensor(shape: shape, values: values.map { Float($0) })
    }

    private func assertValues(_ got: [Float], _ want: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        for (index, (a, b)) in zip(got, want).enumerated() {
            XCTAssertEqual(Double(a), b, accuracy: 1e-5 * max(1, abs(b)), "\(label)[\(index)]", file: file, line: line)
        }
    }

    func testLossesAndGradients() {
        let cases: [(Loss, [Double], [Double], [Double], [Double])] = [
            (.mse, TrainingFixtures.lossPrediction, TrainingFixtures.lossTarget, TrainingFixtures.mse, TrainingFixtures.mseGradient),
            (.l1, TrainingFixtures.lossPrediction, TrainingFixtures.lossTarget, TrainingFixtures.l1, TrainingFixtures.l1Gradient),
            (.crossEntropy, TrainingFixtures.crossEntropyPrediction, TrainingFixtures.crossEntropyTarget,
             TrainingFixtures.crossEntropy, TrainingFixtures.crossEntropyGradient),
        ]
        for (loss, prediction, target, value, gradient) in cases {
            let g = Tensor(shape: shape)
            let got = loss.evaluate(prediction: tensor(prediction, shape), target: tensor(target, shape), gradient: g)
            XCTAssertEqual(got, value[0], accuracy: 1e-6 * max(1, abs(value[0])), "\(loss) value")
            XCTAssertEqual(loss.evaluate(prediction: tensor(prediction, shape), target: tensor(target, shape)), got, "\(loss) without gradient")
            assertValues(g.array, gradient, "\(loss) gradient")
        }
        XCTAssertEqual(Loss.l1.evaluate(prediction: tensor(TrainingFixtures.lossPrediction, shape),
                                        target: tensor(TrainingFixtures.lossTarget, shape), gradient: nil) > 0, true)
        XCTAssertEqual(TrainingFixtures.l1Gradient[5], 0, "the fixture has a tie whose L1 gradient is 0")
    }

    func testCrossEntropyOfAZeroProbabilityIsFinite() {
        let p = Tensor(shape: Shape(1, 2, 1, 1), values: [0, 1])
        let t = Tensor(shape: Shape(1, 2, 1, 1), values: [1, 0])
        let g = Tensor(shape: p.shape)
        let value = Loss.crossEntropy.evaluate(prediction: p, target: t, gradient: g)
        XCTAssertEqual(value, -log(Double(Loss.probabilityFloor)), accuracy: 1e-3)
        XCTAssertEqual(g.array, [-1 / Loss.probabilityFloor, 0])
    }

    /// A one-parameter "graph" whose gradient the test sets by hand.
    private func parameter(_ name: String = "w") -> TrainableGraph.Parameter {
        TrainableGraph.Parameter(name: name, value: tensor(TrainingFixtures.optimizerStart, Shape(5)), gradient: Tensor(shape: Shape(5)))
    }

    private func run(_ optimizer: Optimizer, _ parameter: TrainableGraph.Parameter, steps: Range<Int>) -> [[Float]] {
        steps.map { step in
            let g = Array(TrainingFixtures.optimizerGradients[(step * 5)..<(step * 5 + 5)]).map { Float($0) }
            parameter.gradient.pointer.update(from: g, count: 5)
            optimizer.step([parameter])
            return parameter.value.array
        }
    }

    func testSGDWithAndWithoutMomentumFollowsTorch() {
        let momentum = run(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01), parameter(), steps: 0..<3)
        assertValues(momentum.flatMap { $0 }, TrainingFixtures.sgdMomentumSteps, "SGD momentum")
        let plain = run(SGD(learningRate: 0.1), parameter(), steps: 0..<3)
        assertValues(plain.flatMap { $0 }, TrainingFixtures.sgdPlainSteps, "SGD")
    }

    func testAdamFollowsTorchAndExposesItsState() throws {
        let adam = Adam(learningRate: 0.01, weightDecay: 0.01)
        let steps = run(adam, parameter(), steps: 0..<3)
        assertValues(steps.flatMap { $0 }, TrainingFixtures.adamSteps, "Adam")
        let state = Dictionary(uniqueKeysWithValues: adam.state.map { ($0.name, $0.tensor) })
        XCTAssertEqual(Set(state.keys), ["step", "w.exp_avg", "w.exp_avg_sq"])
        XCTAssertEqual(state["step"]!.array, [3])
        assertValues(state["w.exp_avg"]!.array, TrainingFixtures.adamExpAvg, "exp_avg")
        assertValues(state["w.exp_avg_sq"]!.array, TrainingFixtures.adamExpAvgSq, "exp_avg_sq")
    }

    func testRestoredStateContinuesExactlyAsAnUninterruptedRun() throws {
        for make in [{ SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) as Optimizer },
                     { Adam(learningRate: 0.01, weightDecay: 0.01) as Optimizer }] {
            let uninterrupted = run(make(), parameter(), steps: 0..<3).last!
            let first = make()
            let resumedParameter = parameter()
            _ = run(first, resumedParameter, steps: 0..<2)
            // Through copies, as a checkpoint file would hold them.
            let saved = Dictionary(uniqueKeysWithValues: first.state.map { ($0.name, Tensor(shape: $0.tensor.shape, values: $0.tensor.array)) })
            let second = make()
            try second.restore(saved)
            XCTAssertEqual(second.stepCount, 2)
            let resumed = run(second, resumedParameter, steps: 2..<3).last!
            XCTAssertEqual(resumed, uninterrupted, "\(type(of: first))")
        }
    }

    func testRestoreRejectsForeignState() {
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        XCTAssertThrowsError(try sgd.restore([:])) { error in
            XCTAssertTrue("\(error)".contains("step"), "\(error)")
        }
        XCTAssertThrowsError(try sgd.restore(["step": Tensor(shape: Shape(1), values: [1]), "w.exp_avg": Tensor(shape: Shape(5))])) { error in
            XCTAssertTrue("\(error)".contains("w.exp_avg"), "\(error)")
        }
    }

    func testRestoreForParametersRejectsBuffersOfAnotherModel() throws {
        let adam = Adam()
        let step = Tensor(shape: Shape(1), values: [2])
        let w = parameter()
        XCTAssertThrowsError(try adam.restore(["step": step, "w.exp_avg": Tensor(shape: Shape(4))], for: [w])) { error in
            XCTAssertTrue("\(error)".contains("w.exp_avg") && "\(error)".contains("[5]"), "\(error)")
        }
        XCTAssertThrowsError(try adam.restore(["step": step, "v.exp_avg": Tensor(shape: Shape(5))], for: [w])) { error in
            XCTAssertTrue("\(error)".contains("v.exp_avg"), "\(error)")
        }
        try adam.restore(["step": step, "w.exp_avg": Tensor(shape: Shape(5)), "w.exp_avg_sq": Tensor(shape: Shape(5))], for: [w])
        XCTAssertEqual(adam.stepCount, 2)
    }

    func testSchedulesFollowStepLRAndCosineAnnealing() {
        let step = LearningRateSchedule.step(stepSize: 3, gamma: 0.5)
        assertValues((0..<8).map { step.rate(base: 0.1, step: $0) }, TrainingFixtures.stepSchedule, "step")
        let cosine = LearningRateSchedule.cosine(totalSteps: 10, minimum: 0.001)
        assertValues((0..<13).map { cosine.rate(base: 0.1, step: $0) }, TrainingFixtures.cosineSchedule, "cosine")
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.3, step: 99), 0.3)
    }
}
