import ConvoyFeatures
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// `convoy features` on generated frames (no file, no ffmpeg): the features written equal the
/// network run directly on the same pictures, frame by frame, whatever the batch and `--every`.
final class FeatureRunnerTests: XCTestCase {
    private let width = 20, height = 12, count = 7

    /// A 3 -> 2 convolution, 3×3 and padded, then a ReLU, with fixed weights.
    private func network() throws -> Graph {
        let weight = Shape(2, 3, 3, 3)
        let conv = try Conv2d(weight: Tensor(shape: weight, values: (0..<weight.count).map { Float($0 % 7) / 7 - 0.4 }),
                              bias: Tensor(shape: Shape(2), values: [0.05, -0.1]), padding: (1, 1))
        return try Graph(nodes: [
            .init(name: "conv", operation: .layer(conv), inputs: [Graph.inputName]),
            .init(name: "features", operation: .layer(ReLU()), inputs: ["conv"]),
        ], outputs: ["features"])
    }

    /// Frame `frame` of the `.gradient` pattern as `SyntheticFrames` documents it, as the network
    /// takes it: `[1, 3, H, W]`, levels / 255.
    private func reference(frame: Int) -> Tensor {
        var values: [Float] = []
        for plane in 0..<3 {
            for y in 0..<height {
                for x in 0..<width { values.append(Float((x * (plane + 1) + y * 2 + frame * 7) % 256) / 255) }
            }
        }
        return Tensor(shape: Shape(1, 3, height, width), values: values)
    }

    private func run(batch: Int, every: Int) throws -> (features: Tensor, summary: RunSummary) {
        try runJob(graph: try network(), reading: "features") { job in
            job.source = .synthetic(SyntheticFrames(width: width, height: height, count: count))
            job.batch = batch
            job.every = every
        }
    }

    /// Runs a feature job on `graph` over 3-channel frames into a temporary safetensors file,
    /// set up further by `configure`, and reads back the tensor `name`.
    private func runJob(graph: Graph, reading name: String,
                        configure: (inout FeatureJob) -> Void) throws -> (features: Tensor, summary: RunSummary) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-features-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("features.safetensors").path
        var job = FeatureJob(input: "-", output: output, graph: graph, inputChannels: 3)
        job.progress = .none
        configure(&job)
        let summary = try FeatureRunner(job: job).run()
        return (try SafeTensorsFile(path: output).tensor(named: name), summary)
    }

    func testFeaturesOfGeneratedFramesEqualTheNetworkRunDirectly() throws {
        let graph = try network()
        for (batch, every) in [(1, 1), (3, 1), (4, 2)] {
            let (features, summary) = try run(batch: batch, every: every)
            let kept = Array(stride(from: 0, to: count, by: every))
            XCTAssertEqual(summary.framesDecoded, count)
            XCTAssertEqual(summary.framesWritten, kept.count)
            XCTAssertEqual(features.shape, Shape(kept.count, 2, height, width), "batch \(batch), every \(every)")
            let perFrame = 2 * height * width
            for (row, frame) in kept.enumerated() {
                let expected = graph.forward(reference(frame: frame), context: ExecutionContext())[0].array
                let got = Array(features.array[(row * perFrame)..<((row + 1) * perFrame)])
                let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-5, "frame \(frame), batch \(batch), every \(every)")
            }
        }
    }

    /// The sample models in bf16 (`precision: bf16`, or `--precision`). tiny-features, through
    /// `convoy features`' runner on 64×48 generated frames: every output within 1e-2 of FP32
    /// relative to its largest magnitude, and not FP32's own bytes. The two filter models' layers
    /// (replicate padding; a depthwise blur) are not oneDNN chains, so they keep im2col in FP32:
    /// the same bytes either way. Skipped on CPUs without AVX512_BF16.
    func testSampleModelsInBF16StayWithinOnePercentOfFP32() throws {
        try XCTSkipUnless(CPUFeatures.current.avx512bf16, "this CPU has no AVX512_BF16")
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/Models").standardized
        func features(_ precision: NetworkPrecision) throws -> Tensor {
            let model = try ModelLoader.load(modelPath: models.appendingPathComponent("tiny-features.yaml").path)
            model.precision = precision
            return try runJob(graph: model.graph, reading: model.outputs[0]) { job in
                job.model = model
                job.source = .synthetic(SyntheticFrames(width: 64, height: 48, count: 4))
            }.features
        }
        func relativeError(_ got: Tensor, _ want: Tensor) -> Float {
            let scale = max(want.array.map(abs).max() ?? 0, .leastNormalMagnitude)
            return zip(got.array, want.array).map { abs($0 - $1) }.max()! / scale
        }
        let fp32 = try features(.fp32), bf16 = try features(.bf16)
        XCTAssertEqual(fp32.shape, bf16.shape)
        XCTAssertLessThanOrEqual(relativeError(bf16, fp32), 1e-2)
        XCTAssertGreaterThan(relativeError(bf16, fp32), 0, "the bf16 run gave FP32's results")
        for name in ["denoise", "soften"] {
            let model = try ModelLoader.load(modelPath: models.appendingPathComponent(name + ".yaml").path)
            var random = SplitMix64(seed: 7)
            let frame = Tensor(shape: Shape(2, model.inputChannels, 48, 64),
                               values: (0..<(2 * model.inputChannels * 48 * 64)).map { _ in Float.random(in: 0...1, using: &random) })
            let context = ExecutionContext(threads: 2)
            let want = Tensor(shape: try model.graph.outputShapes(for: frame.shape)[0], values: model.graph.forward(frame, context: context)[0].array)
            context.precision = .bf16
            let got = model.graph.forward(frame, context: context)[0]
            XCTAssertEqual(got.array, want.array, name)
        }
    }

    func testGeneratedFramesAreScaledToAModelsFixedInputSize() throws {
        // conv_fixed.onnx takes [1, 3, 24, 32]: the 20×12 frames are scaled to 32×24 first.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ConvoyWeightsTests/Fixtures/onnx/conv_fixed.onnx").standardized.path
        let model = try ONNXLoader.load(path: fixture)
        let (features, summary) = try runJob(graph: model.graph, reading: "y") { job in
            job.model = model
            job.source = .synthetic(SyntheticFrames(width: width, height: height, count: count))
        }
        XCTAssertEqual(summary.framesWritten, count)
        XCTAssertEqual(features.shape, Shape(count, 3, 24, 32))
        // The gradient moves from frame to frame, so the maps differ.
        let perFrame = 3 * 24 * 32
        XCTAssertNotEqual(Array(features.array[0..<perFrame]), Array(features.array[perFrame..<(2 * perFrame)]))
    }
}
