import ConvoyNN
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Thousands of mutated model files (tokens deleted, duplicated, replaced or swapped; random
/// keys; numbers out of range; YAML punctuation) fed to the model loader: each must load — and
/// then describe and run — or throw an error with a one-line message, and never crash.
final class ModelFuzzTests: XCTestCase {
    private static let words = [
        "name", "type", "input", "inputs", "in", "out", "kernel", "stride", "padding", "dilation", "groups", "bias",
        "padding_mode", "channels", "eps", "scale", "mean", "std", "mode", "align_corners", "factor", "ceil_mode",
        "count_include_pad", "negative_slope", "layers", "outputs", "weights", "foo", "Kernel",
        "conv2d", "relu", "leaky_relu", "prelu", "sigmoid", "tanh", "maxpool", "avgpool", "global_avgpool", "batchnorm",
        "upsample", "pixel_shuffle", "softmax", "concat", "add", "conv3d", "same", "valid", "bilinear", "nearest",
        "reflect", "replicate", "zeros", "true", "false", "null", "~",
        "0", "1", "2", "3", "4", "8", "16", "-1", "-3", "64", "65", "1024", "1025", "65537", "1.5", "2.0", "1e9", "-0",
        "99999999999999999999", "9223372036854775807", "-9223372036854775808", ".nan", ".inf", "-.inf", "0x10",
    ]
    private static let punctuation = [
        "{", "}", "[", "]", ":", ",", "-", "#", "'", "\"", "&a", "*a", "!!str", "|", ">", "?", "%", "@", "\t", "\n", "\n  ", "\n  - ",
    ]

    /// Splits YAML text into tokens: runs of letters, digits and `._-`, single punctuation marks,
    /// and runs of white space, so that joining the tokens gives the text back.
    private static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func kind(_ c: Character) -> Int {
            if c.isLetter || c.isNumber || c == "." || c == "_" || c == "-" { return 0 }
            if c == " " || c == "\n" { return 1 }
            return 2
        }
        for character in text {
            if let last = current.last, kind(last) == kind(character), kind(character) != 2 {
                current.append(character)
            } else {
                if !current.isEmpty { tokens.append(current) }
                current = String(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// A replacement token: a word or number three times out of four, else YAML punctuation.
    private static func token(_ generator: inout SeededGenerator) -> String {
        Int.random(in: 0..<4, using: &generator) > 0
            ? words.randomElement(using: &generator)!
            : punctuation.randomElement(using: &generator)!
    }

    private func mutate(_ tokens: [String], _ generator: inout SeededGenerator) -> String {
        var tokens = tokens
        for _ in 0 ..< Int.random(in: 1...3, using: &generator) {
            guard !tokens.isEmpty else { break }
            let index = Int.random(in: 0 ..< tokens.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                tokens.remove(at: index)
            case 1:
                tokens.insert(tokens[index], at: index)
            case 2, 3:
                tokens[index] = Self.token(&generator)
            case 4:
                tokens.swapAt(index, Int.random(in: 0 ..< tokens.count, using: &generator))
            default:
                let key = Self.words.randomElement(using: &generator)!
                let value = Self.token(&generator)
                tokens.insert(", \(key): \(value)", at: index)
            }
        }
        return tokens.joined()
    }

    private struct Outcome {
        var loaded = 0
        var ran = 0
        var rejected = 0
    }

    private func feed(_ text: String, weights: SafeTensorsFile, _ outcome: inout Outcome) {
        do {
            let spec = try ModelSpec.parse(text, name: "fuzz.yaml")
            let model = try ModelLoader.load(spec: spec, weights: weights, modelName: "fuzz.yaml")
            outcome.loaded += 1
            guard let shapes = try? model.graph.shapes(for: Shape(1, model.inputChannels, 12, 16)),
                  shapes.values.reduce(0, { $0 + $1.count }) < 2_000_000 else {
                return
            }
            _ = try model.summary(inputHeight: 12, inputWidth: 16)
            let input = Tensor(shape: Shape(1, model.inputChannels, 12, 16), values: (0..<(model.inputChannels * 192)).map { Float($0 % 7) / 7 })
            let outputs = model.forward(input, context: ExecutionContext())
            XCTAssertEqual(outputs.map(\.shape), try model.outputShapes(height: 12, width: 16))
            outcome.ran += 1
        } catch let error as ModelError {
            XCTAssertEqual(error.path, "fuzz.yaml")
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertFalse(error.description.contains("\r"), error.description)
            outcome.rejected += 1
        } catch let error as SafeTensorsError {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            outcome.rejected += 1
        } catch {
            XCTFail("unexpected error type: \(error)")
        }
    }

    func testMutatedModelFilesNeverCrash() throws {
        let zooWeights = try SafeTensorsFile(
            data: try SafeTensorsFile.encode(ModelLoaderTests.zooWeights().sorted { $0.key < $1.key }.map { SafeTensorsRecord(name: $0.key, tensor: $0.value) }),
            name: "zoo.safetensors"
        )
        let twoHeadText = try String(contentsOfFile: try TestFiles.fixture("twohead.yaml"), encoding: .utf8)
        let twoHeadWeights = try SafeTensorsFile(path: try TestFiles.fixture("twohead.safetensors"))
        let exampleWeights = try SafeTensorsFile(data: try SafeTensorsFile.encode([]), name: "empty.safetensors")
        let bases: [(text: String, weights: SafeTensorsFile)] = [
            (ModelLoaderTests.zoo, zooWeights),
            (twoHeadText, twoHeadWeights),
            (ModelSpecTests.example, exampleWeights),
        ]
        var outcome = Outcome()
        for base in bases.prefix(2) {
            feed(base.text, weights: base.weights, &outcome)
        }
        XCTAssertEqual(outcome.ran, 2, "the unmutated models load and run")

        var generator = SeededGenerator(seed: 31337)
        let tokenized = bases.map { (tokens: Self.tokens($0.text), weights: $0.weights) }
        XCTAssertEqual(tokenized[0].tokens.joined(), ModelLoaderTests.zoo)
        for iteration in 0..<3000 {
            let base = tokenized[iteration % tokenized.count]
            feed(mutate(base.tokens, &generator), weights: base.weights, &outcome)
        }
        XCTAssertGreaterThan(outcome.ran, 100, "some mutations still make runnable models")
        XCTAssertGreaterThan(outcome.rejected, 1000)
    }
}
