import Foundation
import XCTest

/// `--model net.onnx` through the commands: features equal to the same network's YAML, a
/// classifier's `[N, K]` outputs written as `[frames, K]`, a fixed-size model's frames scaled,
/// `convoy model` on an ONNX file, and refusals before the first frame.
final class ONNXCommandTests: ConvoyTestCase {
    private func fixture(_ name: String) -> String {
        Tools.packageRoot.appendingPathComponent("Tests/ConvoyWeightsTests/Fixtures/onnx/\(name)").path
    }

    private func python(_ code: String, _ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(ProcessRunner.which("python3"), ["-c", code] + arguments)
    }

    func testFeaturesMatchTheYAMLModelAndHeadsAreFlat() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.5, audio: false)
        let yaml = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        try convoySucceeds(["features", input, "--model", yaml, "-o", path("yaml.npy")])
        try convoySucceeds(["features", input, "--model", fixture("tiny-features.onnx"), "-o", path("onnx.npy")])
        try convoySucceeds(["features", input, "--model", fixture("classifier_opset13.onnx"), "-o", path("heads.safetensors")])
        let check = try python("""
        import json, struct, sys
        import numpy as np
        a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
        assert a.shape == b.shape == (5, 32, 24, 32), (a.shape, b.shape)
        assert np.abs(a - b).max() <= 1e-5, np.abs(a - b).max()
        data = open(sys.argv[3], 'rb').read()
        n, = struct.unpack('<Q', data[:8]); header = json.loads(data[8:8 + n])
        shapes = {k: v['shape'] for k, v in header.items() if k != '__metadata__'}
        assert shapes['probabilities'] == [5, 5], shapes
        assert shapes['map'] == [5, 8, 48, 64], shapes
        b0, e0 = header['probabilities']['data_offsets']
        p = np.frombuffer(data[8 + n + b0:8 + n + e0], dtype='<f4').reshape(5, 5)
        assert np.allclose(p.sum(axis=1), 1, atol=1e-5), p
        print('ok')
        """, [path("yaml.npy"), path("onnx.npy"), path("heads.safetensors")])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
    }

    func testAFixedInputSizeScalesTheFramesAndSaysSo() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        let result = try convoySucceeds(["features", input, "--model", fixture("flatten_matmul_fixed.onnx"), "-o", path("y.npy")])
        XCTAssertEqual(result.stderrLines.filter { $0.contains("are scaled to it") }.count, 1, result.stderrText)
        let check = try python("import numpy as np, sys; a = np.load(sys.argv[1]); assert a.shape == (3, 6), a.shape", [path("y.npy")])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
    }

    func testFilterAndPreviewScaleFramesToAFixedInputSize() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        let model = fixture("conv_fixed.onnx")
        let filtered = try convoySucceeds(["filter", input, "--model", model, "-o", path("out%03d.png")])
        XCTAssertEqual(filtered.stderrLines.filter { $0.contains("takes 32×24 frames: the 64×48 frames") }.count, 1, filtered.stderrText)
        let pictures = try rawFrames(path("out%03d.png"), pixelFormat: "gbrp")
        XCTAssertEqual([pictures.width, pictures.height, pictures.frameCount], [32, 24, 3])
        // The filter ran the network on the frames features scales: its pictures are the
        // features' maps in 8 bits.
        try convoySucceeds(["features", input, "--model", model, "-o", path("maps.npy")])
        try Data(pictures.bytes).write(to: URL(fileURLWithPath: path("pictures.gbrp")))
        let check = try python("""
        import sys
        import numpy as np
        maps = np.load(sys.argv[1])
        assert maps.shape == (3, 3, 24, 32), maps.shape
        gbr = np.fromfile(sys.argv[2], np.uint8).reshape(3, 3, 24, 32).astype(np.int32)
        rgb = gbr[:, [2, 0, 1]]
        expected = np.clip(np.round(maps * 255), 0, 255).astype(np.int32)
        assert np.abs(rgb - expected).max() <= 1, np.abs(rgb - expected).max()
        assert rgb.std() > 1, rgb.std()
        print('ok')
        """, [path("maps.npy"), path("pictures.gbrp")])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)

        // The contact sheet shows the scaled frames (32×24 cells of 480×360) beside the network's.
        let sheet = try convoySucceeds(["preview", input, "--model", model, "-o", path("sheet.png"), "--frames", "2"])
        XCTAssertEqual(sheet.stderrLines.filter { $0.contains("are scaled to it") }.count, 1, sheet.stderrText)
        let picture = try stream(path("sheet.png"), type: "video")
        XCTAssertEqual(picture?["width"] as? Int, 2 * 480 + 3 * 8)
        XCTAssertEqual(picture?["height"] as? Int, 2 * (360 + 8) + 8)

        // A pipeline file's model, and a folder of pictures for features, are scaled the same way.
        let pipeline = path("fixed.yaml")
        try "model: \(model)\n".write(toFile: pipeline, atomically: true, encoding: .utf8)
        let run = try convoySucceeds(["run", pipeline, input, "-o", path("run.mp4")])
        XCTAssertEqual(run.stderrLines.filter { $0.contains("are scaled to it") }.count, 1, run.stderrText)
        XCTAssertEqual(try stream(path("run.mp4"), type: "video")?["width"] as? Int, 32)
        try FileManager.default.createDirectory(atPath: path("photos"), withIntermediateDirectories: true)
        try ffmpeg(["-i", input, "-frames:v", "2", path("photos/p%02d.png")])
        let folder = try convoySucceeds(["features", path("photos"), "--model", model, "-o", path("photos.npy")])
        XCTAssertEqual(folder.stderrLines.filter { $0.contains("are scaled to it") }.count, 1, folder.stderrText)
        let shape = try python("import numpy as np, sys; print(np.load(sys.argv[1]).shape)", [path("photos.npy")])
        XCTAssertEqual(shape.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "(2, 3, 24, 32)", shape.stderrText)
    }

    func testFilterBuildsAFrameSizeDependentGraphForTheFramesSize() throws {
        // resize_opset13_sizes computes its Resize's sizes from the input's shape (twice H and W):
        // built for 64×48 frames it writes 128×96 pictures (for the nominal 512×512 it would not run).
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        try convoySucceeds(["filter", input, "--model", fixture("resize_opset13_sizes.onnx"), "-o", path("big.mp4")])
        let video = try stream(path("big.mp4"), type: "video")
        XCTAssertEqual([video?["width"] as? Int, video?["height"] as? Int], [128, 96])
        XCTAssertEqual(try decodedFrameCount(path("big.mp4")), 3)
    }

    func testModelCommandPrintsTheGraphAsRunAndWhatWasFolded() throws {
        let result = try convoySucceeds(["model", fixture("classifier_opset13.onnx"), "--size", "64x48", "--mean", "0.5", "--std", "0.25"])
        XCTAssertTrue(result.stdoutText.contains("Folded at load"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("mean 0.5, std 0.25"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("Conv (fused into map)"), result.stdoutText)
    }

    func testPipelineFilesTakeAnONNXModelAndItsNormalisation() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        let pipeline = path("onnx.yaml")
        try "model: \(fixture("arithmetic.onnx"))\nscale: 255\nmean: [0.1, 0.2, 0.3]\nstd: 0.5\n"
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        try convoySucceeds(["run", pipeline, input, "-o", path("out.mp4")])
        XCTAssertEqual(try decodedFrameCount(path("out.mp4")), 3)
        try "kernels: [box]\nmean: 0.5\n".write(toFile: pipeline, atomically: true, encoding: .utf8)
        let refused = try convoy(["run", pipeline, input, "-o", path("out2.mp4")])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderrText.contains("ONNX model"), refused.stderrText)
    }

    func testUnrunnableModelsAreRefusedBeforeAnyFrame() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        for (model, words) in [("bad_unsupported.onnx", "\"Erf\" ×4"), ("bad_external_short.onnx", "too short"), ("bad_two_inputs.onnx", "2 inputs"),
                               ("bad_unsupported_uses.onnx", "\"MaxPool\" ×2")] {
            let result = try convoy(["features", input, "--model", fixture(model), "-o", path("out.npy")])
            XCTAssertEqual(result.status, 65, result.stderrText)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderrText)
            XCTAssertTrue(result.stderrText.contains(words), result.stderrText)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.npy")))
            assertNoCrashTrace(result)
        }
        let yaml = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let usage = try convoy(["features", input, "--model", yaml, "--mean", "0.5", "-o", path("out.npy")])
        XCTAssertEqual(usage.status, 64, usage.stderrText)
    }
}
