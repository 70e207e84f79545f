import Foundation
import XCTest

/// `convoy features`, `convoy model`, `convoy filter --model` and `convoy preview` on the example
/// models, against numpy and ffmpeg references.
final class FeatureTests: ConvoyTestCase {
    private var models: URL { Tools.packageRoot.appendingPathComponent("Samples/Models") }
    private var tinyModel: String { models.appendingPathComponent("tiny-features.yaml").path }
    private var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/check_features.py").path
    }

    private func python(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(ProcessRunner.which("python3"), arguments)
    }

    /// The .npy holds [frames, 32, H/2, W/2] equal to an independent numpy forward pass of the
    /// same frames and weights; the times beside it match the frames.
    func testNpyFeaturesMatchANumpyReference() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 1, audio: false)
        let output = path("feats.npy")
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", output, "--batch", "3"])
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "gbrp", path("frames.gbrp")])
        let check = try python([script, path("frames.gbrp"), "64", "48",
                                models.appendingPathComponent("tiny-features.safetensors").path, output])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
        XCTAssertTrue(check.stdoutText.contains("shape=[10, 32, 24, 32]"), check.stdoutText)
        let times = try String(contentsOfFile: path("feats.pts.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(times.first, "frame,pts_seconds")
        XCTAssertEqual(times.count, 11)
        XCTAssertEqual(times[3], "2,0.200000")
    }

    /// Every command takes every input `filter` takes: raw RGB frames on standard input give the
    /// same features as the file they came from, and the preview draws from them too.
    func testRawFramesOnStandardInputGiveTheFileFeatures() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 1, audio: false)
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "rgb24", path("in.rgb")])
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("file.npy")])
        let raw = try convoy(["features", "-", "--raw", "64x48:rgb24@10", "--model", tinyModel, "-o", path("raw.npy")],
                             stdinFile: path("in.rgb"))
        XCTAssertEqual(raw.status, 0, raw.stderrText)
        // The reference frames are the raw ones, repacked as planes.
        try ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x48", "-i", path("in.rgb"), "-f", "rawvideo", "-pix_fmt", "gbrp",
                    path("frames.gbrp")])
        let check = try python([script, path("frames.gbrp"), "64", "48",
                                models.appendingPathComponent("tiny-features.safetensors").path, path("raw.npy")])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
        XCTAssertTrue(check.stdoutText.contains("shape=[10, 32, 24, 32]"), check.stdoutText)
        XCTAssertEqual(try String(contentsOfFile: path("raw.pts.csv"), encoding: .utf8),
                       try String(contentsOfFile: path("file.pts.csv"), encoding: .utf8))
        let preview = try convoy(["preview", "-", "--raw", "64x48:rgb24@10", "--kernel", "sobel", "-o", path("sheet.png")],
                                 stdinFile: path("in.rgb"))
        XCTAssertEqual(preview.status, 0, preview.stderrText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("sheet.png")))
    }

    /// --every keeps every N-th frame, with the right indices and times.
    func testEveryKeepsEveryNthFrame() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 1, audio: false)
        let output = path("feats.npy")
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", output, "--every", "4"])
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "gbrp", path("frames.gbrp")])
        let check = try python([script, path("frames.gbrp"), "64", "48",
                                models.appendingPathComponent("tiny-features.safetensors").path, output, "4"])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
        let times = try String(contentsOfFile: path("feats.pts.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(times.map { String($0.split(separator: ",")[0]) }, ["0", "4", "8"])
    }

    /// Pooled safetensors output: one [frames, 32] tensor equal to the maps' means, and pts.
    func testPooledSafetensorsAndDirectoryOutputs() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.5, audio: false)
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("maps.npy")])
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("pooled.safetensors"), "--pool", "avg"])
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("frames"), "--pool", "max"])
        let check = try python(["-c", """
        import json, struct, sys, glob
        import numpy as np
        data = open(sys.argv[1], 'rb').read()
        n, = struct.unpack('<Q', data[:8]); header = json.loads(data[8:8 + n]); base = 8 + n
        def tensor(name, dtype):
            b, e = header[name]['data_offsets']
            return np.frombuffer(data[base + b:base + e], dtype=dtype).reshape(header[name]['shape'])
        pooled = tensor('relu3', '<f4'); pts = tensor('pts', '<f8')
        maps = np.load(sys.argv[2])
        assert pooled.shape == (5, 32), pooled.shape
        assert np.allclose(pooled, maps.mean(axis=(2, 3)), atol=1e-5)
        assert np.allclose(pts, [0, 0.1, 0.2, 0.3, 0.4]), pts
        files = sorted(glob.glob(sys.argv[3] + '/relu3_*.npy'))
        assert len(files) == 5, files
        assert np.allclose(np.load(files[2])[0], maps[2].max(axis=(1, 2)), atol=1e-6)
        print('ok')
        """, path("pooled.safetensors"), path("maps.npy"), path("frames")])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderrText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("frames/pts.csv")))
        XCTAssertEqual(temporaryLeftovers(), [])
    }

    /// Existing feature files are refused without -y; a missing model is exit 66 naming it.
    func testRefusalsAndMissingModel() throws {
        let input = try makeClip("in.mp4", size: "64x48", rate: "10", duration: 0.3, audio: false)
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("f.npy")])
        let again = try convoy(["features", input, "--model", tinyModel, "-o", path("f.npy")])
        XCTAssertEqual(again.status, 73, again.stderrText)
        let missing = try convoy(["features", input, "--model", path("nope.yaml"), "-o", path("g.npy")])
        XCTAssertEqual(missing.status, 66, missing.stderrText)
        XCTAssertTrue(missing.stderrText.contains("nope.yaml"), missing.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("g.npy")))
    }

    /// The soften model (depthwise 5×5 binomial, zero padding, identity mix) filters exactly as
    /// the same kernel does with zero borders.
    func testFilterWithModelEqualsTheSameKernel() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 0.5, audio: false)
        try convoySucceeds(["filter", input, "--model", models.appendingPathComponent("soften.yaml").path,
                            "--codec", "rawvideo", "--pix-fmt", "gbrp", "-o", path("model.nut")])
        try convoySucceeds(["filter", input, "--kernel", "gaussian:size=5", "--border", "zero",
                            "--codec", "rawvideo", "--pix-fmt", "gbrp", "-o", path("kernel.nut")])
        let model = try rawFrames(path("model.nut")), kernel = try rawFrames(path("kernel.nut")), original = try rawFrames(input)
        XCTAssertEqual(model.frameCount, 5)
        for frame in 0..<5 {
            for plane in 0..<3 {
                let difference = PlaneDifference.compare(model, kernel, plane: plane, frame: frame, margin: 0, tolerance: 1)
                XCTAssertEqual(difference.beyondTolerance, 0, "frame \(frame) plane \(plane): \(difference)")
            }
        }
        XCTAssertGreaterThan(PlaneDifference.compare(model, original, plane: 0, frame: 0, margin: 0, tolerance: 2).beyondTolerance, 0)
    }

    /// --visualize renders the first output as a heatmap video of the input's size, one frame per
    /// processed frame at the input frame's time, with the input's audio; --grid too.
    func testVisualizeRendersAHeatmapInSync() throws {
        let input = try makeClip("in.mp4", size: "96x64", rate: "10", duration: 1, audio: true)
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("f.npy"), "--every", "2",
                            "--visualize", path("heat.mp4"), "--channel", "3"])
        let video = try XCTUnwrap(try stream(path("heat.mp4"), type: "video"))
        XCTAssertEqual(video["width"] as? Int, 96)
        XCTAssertEqual(video["height"] as? Int, 64)
        XCTAssertNotNil(try stream(path("heat.mp4"), type: "audio"), "the input's audio is kept")
        let inputTimes = try framePresentationTimes(input)
        let heatTimes = try framePresentationTimes(path("heat.mp4"))
        XCTAssertEqual(heatTimes.count, 5)
        for (index, time) in heatTimes.enumerated() {
            XCTAssertEqual(time, inputTimes[index * 2], accuracy: 1e-3, "frame \(index)")
        }
        // The heatmap changes the picture: it is not the input passed through.
        let heat = try rawFrames(path("heat.mp4")), original = try rawFrames(input)
        XCTAssertGreaterThan(PlaneDifference.compare(heat, original, plane: 0, frame: 0, margin: 0, tolerance: 8).beyondTolerance, 0)
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("g.npy"), "--visualize", path("grid.mkv"), "--grid"])
        XCTAssertEqual(try decodedFrameCount(path("grid.mkv")), 10)
        let misuse = try convoy(["features", input, "--model", tinyModel, "-o", path("h.npy"), "--grid"])
        XCTAssertEqual(misuse.status, 64)
    }

    /// `convoy model` prints the layers, shapes for the given size, parameters and FLOPs.
    func testModelSummary() throws {
        let result = try convoySucceeds(["model", tinyModel, "--size", "320x240"])
        let text = result.stdoutText
        XCTAssertTrue(text.contains("[32, 120, 160]"), text)
        XCTAssertTrue(text.contains("14,336"), text)   // 448 + 4,640 + 9,248 parameters
        // 2·(16·27·76800 + 32·144·19200 + 32·288·19200) = 597,196,800
        XCTAssertTrue(text.contains("597,196,800"), text)
    }

    /// The contact sheet is a PNG with one row per frame, before and after side by side.
    func testPreviewContactSheet() throws {
        let input = try makeClip("in.mp4", size: "160x120", rate: "10", duration: 1, audio: false)
        try convoySucceeds(["preview", input, "--kernel", "sobel", "--space", "luma", "--chroma", "neutral",
                            "-o", path("sheet.png"), "--frames", "3", "--width", "200"])
        let sheet = try XCTUnwrap(try stream(path("sheet.png"), type: "video"))
        XCTAssertEqual(sheet["codec_name"] as? String, "png")
        XCTAssertEqual(sheet["width"] as? Int, 2 * 200 + 3 * 8)
        XCTAssertEqual(sheet["height"] as? Int, 3 * (150 + 8) + 8)
        let refused = try convoy(["preview", input, "--kernel", "box", "-o", path("sheet.png")])
        XCTAssertEqual(refused.status, 73)
    }
}
