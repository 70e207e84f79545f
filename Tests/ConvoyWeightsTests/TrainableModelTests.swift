import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Loading a model file for training: PyTorch's initialisation, `--init` files, refusal of batch
/// norm, and weights written back that `ModelLoader` reads unchanged.
final class TrainableModelTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TestFiles.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private let yaml = """
        input: {channels: 3, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]}
        layers:
          - {name: features.0, type: conv2d, in: 3, out: 8, kernel: 3, padding: 1}
          - {name: features.1, type: relu}
          - {name: features.2, type: conv2d, in: 8, out: 8, kernel: 3, padding: 1, groups: 2, bias: false}
          - {name: act, type: prelu, channels: 8}
          - {name: pool, type: maxpool, kernel: 2}
          - {name: up, type: upsample, scale: 2}
          - {name: cat, type: concat, inputs: [up, features.1]}
          - {name: head, type: conv2d, in: 16, out: 2, kernel: 1}
          - {name: prob, type: softmax}
        outputs: [prob, features.1]
        """

    private func write(_ text: String, _ name: String = "net.yaml") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testMissingWeightsAreInitialisedAsPyTorchDoesFromTheSeed() throws {
        let path = try write(yaml)
        let model = try TrainableModel.load(modelPath: path, seed: 7)
        XCTAssertEqual(model.parameters.map(\.name),
                       ["features.0.weight", "features.0.bias", "features.2.weight", "act.weight", "head.weight", "head.bias"])
        XCTAssertTrue(model.loadedNames.isEmpty)
        // U(-1/√fanIn, 1/√fanIn), fanIn = in/groups · kh · kw.
        let bounds: [String: Float] = ["features.0": 1 / Float(27).squareRoot(), "features.2": 1 / Float(36).squareRoot(), "head": 1 / Float(4)]
        for parameter in model.parameters where !parameter.name.hasPrefix("act") {
            let bound = bounds[String(parameter.name.split(separator: ".").dropLast().joined(separator: "."))]!
            let values = parameter.value.array
            XCTAssertTrue(values.allSatisfy { abs($0) <= bound }, "\(parameter.name) outside ±\(bound)")
            if values.count >= 200 {
                // Spread over the whole range, centred: max close to the bound, mean near 0.
                XCTAssertGreaterThan(values.map(abs).max()!, 0.9 * bound, parameter.name)
                XCTAssertLessThan(abs(values.reduce(0, +) / Float(values.count)), 0.15 * bound, parameter.name)
            }
        }
        XCTAssertEqual(model.graph.parameter(named: "act.weight")!.value.array, [Float](repeating: 0.25, count: 8))

        let again = try TrainableModel.load(modelPath: path, seed: 7)
        XCTAssertEqual(again.parameters.map(\.value.array), model.parameters.map(\.value.array), "same seed, same weights")
        let other = try TrainableModel.load(modelPath: path, seed: 8)
        XCTAssertNotEqual(other.parameters[0].value.array, model.parameters[0].value.array, "another seed, other weights")
    }

    func testSavedWeightsLoadUnchangedForFilteringAndGiveTheSameOutputs() throws {
        let path = try write(yaml)
        let model = try TrainableModel.load(modelPath: path, seed: 3)
        // One training step so the weights are not only the initial ones.
        let context = ExecutionContext()
        var generator = SeededGenerator(seed: 9)
        let frames = Tensor(shape: Shape(2, 3, 8, 10), values: (0..<480).map { _ in Float.random(in: 0...1, using: &generator) })
        let outputs = model.graph.forward(frames, context: context)
        let gradient = Tensor(shape: outputs[1].shape, values: outputs[1].array)
        model.graph.backward(outputGradients: [nil, gradient], context: context)
        SGD(learningRate: 0.1).step(model.parameters)

        let weights = directory + "/net.safetensors"
        try model.saveWeights(to: weights)
        let loaded = try ModelLoader.load(modelPath: path)
        XCTAssertEqual(loaded.weightsName, weights)
        let trained = model.graph.forward(frames, context: context).map(\.array)
        let filtered = loaded.forward(frames, context: context).map(\.array)
        XCTAssertEqual(trained.count, filtered.count)
        for (a, b) in zip(trained, filtered) {
            for (x, y) in zip(a, b) {
                XCTAssertEqual(x, y, accuracy: 1e-5)
            }
        }
        // The file holds exactly the state dict, F32.
        let file = try SafeTensorsFile(path: weights)
        XCTAssertEqual(Set(file.names), Set(model.parameters.map(\.name)))
        XCTAssertEqual(try file.tensor(named: "head.weight").array, model.graph.parameter(named: "head.weight")!.value.array)
    }

    func testInitFileSuppliesSomeTensorsAndTheRestAreInitialised() throws {
        let path = try write(yaml)
        let initPath = directory + "/init.safetensors"
        let given = Tensor(shape: Shape(2, 16, 1, 1), values: (0..<32).map { Float($0) / 32 })
        try SafeTensorsFile.write([(name: "head.weight", tensor: given)], to: initPath)
        let model = try TrainableModel.load(modelPath: path, initPath: initPath, seed: 7)
        let fresh = try TrainableModel.load(modelPath: path, seed: 7)
        XCTAssertEqual(model.loadedNames, ["head.weight"])
        XCTAssertEqual(model.graph.parameter(named: "head.weight")!.value.array, given.array)
        // The others are what the same seed gives without the file.
        XCTAssertEqual(model.graph.parameter(named: "features.0.weight")!.value.array,
                       fresh.graph.parameter(named: "features.0.weight")!.value.array)
        XCTAssertEqual(model.graph.parameter(named: "head.bias")!.value.array, fresh.graph.parameter(named: "head.bias")!.value.array)
    }

    func testBadInitFilesAndBatchNormGetErrorsNamingTheProblem() throws {
        let path = try write(yaml)
        let initPath = directory + "/init.safetensors"
        try SafeTensorsFile.write([(name: "head.weight", tensor: Tensor(shape: Shape(2, 15, 1, 1)))], to: initPath)
        XCTAssertThrowsError(try TrainableModel.load(modelPath: path, initPath: initPath)) { error in
            XCTAssertTrue("\(error)".contains("head.weight") && "\(error)".contains("init.safetensors"), "\(error)")
        }
        try SafeTensorsFile.write([(name: "stray.weight", tensor: Tensor(shape: Shape(1)))], to: initPath)
        XCTAssertThrowsError(try TrainableModel.load(modelPath: path, initPath: initPath)) { error in
            XCTAssertTrue("\(error)".contains("stray.weight"), "\(error)")
        }
        XCTAssertThrowsError(try TrainableModel.load(modelPath: path, initPath: directory + "/missing.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("missing.safetensors"), "\(error)")
        }
        let withBatchNorm = try write("""
            input: {channels: 1}
            layers:
              - {name: conv, type: conv2d, in: 1, out: 2, kernel: 3}
              - {name: bn, type: batchnorm, channels: 2}
            outputs: [bn]
            """, "bn.yaml")
        XCTAssertThrowsError(try TrainableModel.load(modelPath: withBatchNorm)) { error in
            XCTAssertTrue("\(error)".contains("layer \"bn\""), "\(error)")
            XCTAssertTrue("\(error)".contains("batchnorm"), "\(error)")
            XCTAssertTrue("\(error)".contains("bn.yaml"), "\(error)")
        }
    }

    func testOutputShapesNameTheModelWhenACropDoesNotFit() throws {
        let path = try write(yaml)
        let model = try TrainableModel.load(modelPath: path)
        XCTAssertEqual(try model.outputShapes(batch: 4, height: 16, width: 16), [Shape(4, 2, 16, 16), Shape(4, 8, 16, 16)])
        XCTAssertThrowsError(try model.outputShapes(height: 1, width: 1)) { error in
            XCTAssertTrue("\(error)".contains("net.yaml"), "\(error)")
        }
    }
}
