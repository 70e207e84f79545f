import Foundation
import XCTest

/// `convoy train` end to end: recovering known kernels from clips filtered by ffmpeg, weights that
/// `convoy filter --model` and `convoy features` load unchanged, seeded repeatability, resuming,
/// progress and summary, and every bad-input error.
final class TrainTests: ConvoyTestCase {
    // MARK: Helpers

    /// A lossless 96×64 yuv420p clip of test pattern with fresh noise in every frame (so 3×3
    /// patches span every direction and the least-squares problem is well posed); `luma` is an
    /// extra lutyuv expression for Y.
    private func noisyClip(_ name: String, frames: Int = 20, luma: String? = nil) throws -> String {
        var filter = "noise=alls=60:allf=t"
        if let luma { filter += ",lutyuv=y=\(luma)" }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-frames:v", "\(frames)", "-vf", filter,
                    "-c:v", "ffv1", "-pix_fmt", "yuv420p", path(name)])
        return path(name)
    }

    /// `source` through ffmpeg's `convolution` filter on Y (the other planes pass unchanged), losslessly.
    private func convolved(_ source: String, _ name: String, matrix: String, extra: String = "") throws -> String {
        try ffmpeg(["-i", source, "-vf", "convolution=0m='\(matrix)'\(extra)", "-c:v", "ffv1", "-pix_fmt", "yuv420p", path(name)])
        return path(name)
    }

    /// The Y plane of every frame of a yuv420p file, as stored (no range conversion).
    private func lumaPlanes(_ file: String) throws -> [[UInt8]] {
        let raw = try rawFrames(file, pixelFormat: "yuv420p")
        return (0..<raw.frameCount).map { Array(raw.plane(0, frame: $0)) }
    }

    /// Writes a model file in the scratch directory.
    private func model(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// A single unpadded 3×3 convolution on luma.
    private func singleConv(_ name: String, bias: Bool, mean: Double = 0) throws -> String {
        try model(name, """
        input: {channels: 1, mean: \(mean)}
        layers:
          - {name: conv, type: conv2d, in: 1, out: 1, kernel: 3, padding: 0, bias: \(bias)}
        outputs: [conv]
        """)
    }

    /// The F32 tensors of a safetensors file, read directly from its bytes (header JSON, then data).
    private func safetensors(_ file: String) throws -> (tensors: [String: [Float]], metadata: [String: String]) {
        let data = try XCTUnwrap(fileData(file), "\(file) missing")
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        var tensors: [String: [Float]] = [:]
        for (name, entry) in header where name != "__metadata__" {
            let info = try XCTUnwrap(entry as? [String: Any])
            XCTAssertEqual(info["dtype"] as? String, "F32")
            let offsets = try XCTUnwrap(info["data_offsets"] as? [Int])
            let bytes = data.subdata(in: (8 + length + offsets[0])..<(8 + length + offsets[1]))
            tensors[name] = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
            }
        }
        return (tensors, header["__metadata__"] as? [String: String] ?? [:])
    }

    /// Runs convoy, expecting failure with `code` and one error line naming `culprits`, and no new files.
    private func assertRefused(_ arguments: [String], code: Int32, naming culprits: [String], stdinFile: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let before = directoryListing()
        let result = try convoy(arguments + ["--quiet"], stdinFile: stdinFile)
        assertNoCrashTrace(result, file: file, line: line)
        XCTAssertEqual(result.status, code, result.summary, file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "one line: \(result.stderrLines)", file: file, line: line)
        for culprit in culprits {
            XCTAssertTrue(result.stderrText.contains(culprit), "\(result.stderrText) lacks \(culprit)", file: file, line: line)
        }
        XCTAssertEqual(directoryListing(), before, "no output, no temporary files", file: file, line: line)
    }

    // MARK: Recovering known kernels

    /// From (clip, clip through ffmpeg's 3×3 Gaussian), one unpadded 3×3 convolution learns the
    /// Gaussian: every entry within 0.01 of 1/16·[1 2 1; 2 4 2; 1 2 1]. The unpadded model learns
    /// only from pixels whose 3×3 neighbourhood lies inside the frame, where ffmpeg's border rule
    /// plays no part. The weights then filter with `convoy filter --model` as ffmpeg does.
    func testLearnsTheGaussian() throws {
        let input = try noisyClip("in.mkv")
        let target = try convolved(input, "gauss.mkv", matrix: "1 2 1 2 4 2 1 2 1", extra: ":0rdiv=1/16")
        let net = try singleConv("gauss.yaml", bias: false)
        let result = try convoySucceeds(["train", net, "--input", input, "--target", target, "--steps", "300", "--crop", "32",
                                         "--batch", "8", "--lr", "0.01", "--validation", "0.1", "--summary", "json"])
        let weights = try XCTUnwrap(try safetensors(path("gauss.safetensors")).tensors["conv.weight"])
        let gaussian: [Float] = [1, 2, 1, 2, 4, 2, 1, 2, 1].map { $0 / 16 }
        XCTAssertEqual(weights.count, 9)
        for (learned, expected) in zip(weights, gaussian) { XCTAssertEqual(learned, expected, accuracy: 0.01, "\(weights)") }
        let summary = try XCTUnwrap(result.stderrLines.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        XCTAssertEqual(summary["steps"] as? Int, 300)
        XCTAssertGreaterThan(summary["validation_psnr"] as? Double ?? 0, 45, "the held-out frames are matched closely")

        // `convoy filter --model` loads the weights as they are and reproduces ffmpeg's output
        // (94×62: the model is unpadded) to within one level.
        try convoySucceeds(["filter", input, "--model", net, "--codec", "ffv1", "--pix-fmt", "yuv420p", "-o", path("learned.mkv")])
        let learned = try lumaPlanes(path("learned.mkv")), reference = try lumaPlanes(target)
        XCTAssertEqual(learned.count, 20)
        XCTAssertEqual(learned.first?.count, 94 * 62)
        var worst = 0
        for (frame, plane) in learned.enumerated() {
            for y in 0..<62 {
                for x in 0..<94 {
                    worst = max(worst, abs(Int(plane[y * 94 + x]) - Int(reference[frame][(y + 1) * 96 + x + 1])))
                }
            }
        }
        XCTAssertLessThanOrEqual(worst, 1)
        try convoySucceeds(["features", input, "--model", net, "-o", path("maps.npy")])
    }

    /// The same on RGB with a depthwise convolution (3→3, groups 3): lossless RGB clips (no
    /// colour conversion on either side), ffmpeg's Gaussian on each of G, B and R, and every one of
    /// the 27 learned weights within 0.01 of the Gaussian.
    func testDepthwiseRGBLearnsTheGaussianOnEveryChannel() throws {
        let rgb = Tools.ffv1RGBPixelFormat
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-frames:v", "20", "-vf", "noise=alls=60:allf=t,format=gbrp",
                    "-c:v", "ffv1", "-pix_fmt", rgb, path("rgb.mkv")])
        let gauss = "'1 2 1 2 4 2 1 2 1'"
        try ffmpeg(["-i", path("rgb.mkv"), "-vf", "format=gbrp,convolution=0m=\(gauss):1m=\(gauss):2m=\(gauss):0rdiv=1/16:1rdiv=1/16:2rdiv=1/16",
                    "-c:v", "ffv1", "-pix_fmt", rgb, path("rgb-gauss.mkv")])
        let net = try model("depthwise.yaml", """
        input: {channels: 3}
        layers:
          - {name: conv, type: conv2d, in: 3, out: 3, kernel: 3, padding: 0, groups: 3, bias: false}
        outputs: [conv]
        """)
        try convoySucceeds(["train", net, "--input", path("rgb.mkv"), "--target", path("rgb-gauss.mkv"), "--steps", "1500",
                            "--crop", "32", "--batch", "8", "--lr", "0.01"])
        let weights = try XCTUnwrap(try safetensors(path("depthwise.safetensors")).tensors["conv.weight"])
        XCTAssertEqual(weights.count, 27)
        let gaussian: [Float] = [1, 2, 1, 2, 4, 2, 1, 2, 1].map { $0 / 16 }
        for (index, learned) in weights.enumerated() {
            XCTAssertEqual(learned, gaussian[index % 9], accuracy: 0.01, "channel \(index / 9): \(weights)")
        }
    }

    /// From Sobel-x targets, the convolution learns Sobel-x with the right sign (positive where
    /// brightness rises to the right: correlation, as ffmpeg and PyTorch). ffmpeg clamps its output
    /// to 0…255 and this FFmpeg ignores `rdiv` for a matrix summing to 0, so the target is offset
    /// by `bias=128` and the input's luma squeezed into 26 levels (y/10 + 115): |Sobel| ≤ 4·26 keeps
    /// every target inside 0…255, nothing is clipped (checked below) and the model learns the plain
    /// kernel plus a bias of 128/255. The model subtracts 0.5 from its input so that bias and
    /// weights do not compete.
    func testLearnsSobelXWithTheRightSign() throws {
        let input = try noisyClip("low.mkv", luma: "val/10+115")
        let target = try convolved(input, "sobel.mkv", matrix: "-1 0 1 -2 0 2 -1 0 1", extra: ":0bias=128")
        var inside: [UInt8] = []
        for plane in try lumaPlanes(target) { for y in 1..<63 { inside += plane[y * 96 + 1..<y * 96 + 95] } }
        XCTAssertGreaterThan(inside.min()!, 0, "no target clipped at 0")
        XCTAssertLessThan(inside.max()!, 255, "no target clipped at 255")

        let net = try singleConv("sobel.yaml", bias: true, mean: 0.5)
        try convoySucceeds(["train", net, "--input", input, "--target", target, "--steps", "800", "--crop", "32",
                            "--batch", "8", "--lr", "0.1", "--schedule", "cosine"])
        let file = try safetensors(path("sobel.safetensors"))
        let weights = try XCTUnwrap(file.tensors["conv.weight"]), bias = try XCTUnwrap(file.tensors["conv.bias"])
        let sobelX: [Float] = [-1, 0, 1, -2, 0, 2, -1, 0, 1]
        for (learned, expected) in zip(weights, sobelX) { XCTAssertEqual(learned, expected, accuracy: 0.02, "\(weights)") }
        XCTAssertEqual(bias[0], 128 / 255, accuracy: 0.002)
        XCTAssertTrue(weights[2] > 0.9 && weights[5] > 1.9 && weights[0] < -0.9, "positive on the right: \(weights)")
        XCTAssertEqual(file.metadata["steps"], "800")
    }

    /// The denoiser in Samples/Models (trained by convoy train, Samples/Models/train_denoise.sh)
    /// removes noise from a clip it was not trained on (colour bars it never saw, gradients of
    /// another seed, other noise): its PSNR against the clean clip, measured by ffmpeg's psnr
    /// filter, beats the noisy clip's by over 5 dB.
    func testSampleDenoiserRemovesNoise() throws {
        try ffmpeg(["-f", "lavfi", "-i", "smptehdbars=size=96x96:rate=10", "-f", "lavfi", "-i", "gradients=size=96x96:rate=10:seed=9",
                    "-filter_complex", "[0][1]hstack", "-frames:v", "8", "-c:v", "ffv1", "-pix_fmt", "yuv444p", path("clean.mkv")])
        try ffmpeg(["-i", path("clean.mkv"), "-vf", "noise=alls=25:allf=t:all_seed=4242", "-c:v", "ffv1", "-pix_fmt", "yuv444p", path("noisy.mkv")])
        let denoiser = Tools.packageRoot.appendingPathComponent("Samples/Models/denoise.yaml").path
        try convoySucceeds(["filter", path("noisy.mkv"), "--model", denoiser, "--codec", "ffv1", "--pix-fmt", "yuv444p", "-o", path("denoised.mkv")])
        func psnr(_ file: String) throws -> Double {
            let result = try ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-nostdin", "-i", file, "-i", path("clean.mkv"), "-lavfi",
                                                              "[0]format=gbrp[a];[1]format=gbrp[b];[a][b]psnr", "-f", "null", "-"])
            let text = try XCTUnwrap(result.stderrText.components(separatedBy: "average:").last?.split(separator: " ").first)
            return try XCTUnwrap(Double(text), result.stderrText)
        }
        let noisy = try psnr(path("noisy.mkv")), denoised = try psnr(path("denoised.mkv"))
        XCTAssertGreaterThan(denoised, noisy + 5, "noisy \(noisy) dB, denoised \(denoised) dB")
    }

    // MARK: Repeatability and resuming

    /// The same seed gives byte-identical weights; another seed other weights.
    func testSameSeedSameWeights() throws {
        let input = try noisyClip("in.mkv", frames: 8)
        let target = try convolved(input, "gauss.mkv", matrix: "1 2 1 2 4 2 1 2 1", extra: ":0rdiv=1/16")
        let net = try singleConv("g.yaml", bias: true)
        for (name, seed) in [("a", "5"), ("b", "5"), ("c", "6")] {
            try convoySucceeds(["train", net, "--input", input, "--target", target, "--steps", "30", "--crop", "16",
                                "--batch", "4", "--seed", seed, "-o", path("\(name).safetensors")])
        }
        XCTAssertEqual(fileData(path("a.safetensors")), fileData(path("b.safetensors")))
        XCTAssertNotEqual(try safetensors(path("a.safetensors")).tensors, try safetensors(path("c.safetensors")).tensors)

        // Weights written elsewhere than the model's own file are used with --weights (the model's
        // default g.safetensors does not exist here).
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("g.safetensors")))
        let unset = try convoy(["features", input, "--model", net, "-o", path("none.npy")])
        XCTAssertEqual(unset.status, 66, unset.stderrText)
        try convoySucceeds(["features", input, "--model", net, "--weights", path("a.safetensors"), "-o", path("a.npy")])
        try convoySucceeds(["filter", input, "--model", net, "--weights", path("c.safetensors"), "-o", path("c.mkv"), "--codec", "ffv1"])
        let missing = try convoy(["filter", input, "--model", net, "--weights", path("nope.safetensors"), "-o", path("n.mkv")])
        XCTAssertEqual(missing.status, 66, missing.stderrText)
        XCTAssertTrue(missing.stderrText.contains("nope.safetensors"), missing.stderrText)
    }

    /// Frames on standard input train exactly as the same frames from a file: the input as raw
    /// yuv420p (`--input - --raw`), the target as raw yuv420p (`--target-raw`) or as a y4m
    /// container give weights byte for byte those of the two files with the same seed (luma
    /// planes, so no conversion differs). Image sequences pair too (`--start-number`). Both
    /// sides on standard input, and standard-input pairs over `--frame-cache` (read only once,
    /// they cannot be streamed again), are refused with one line.
    func testStandardInputTrainsAsTheSameFramesFromAFile() throws {
        let input = try noisyClip("in.mkv", frames: 8)
        let target = try convolved(input, "gauss.mkv", matrix: "1 2 1 2 4 2 1 2 1", extra: ":0rdiv=1/16")
        let net = try singleConv("g.yaml", bias: true)
        let train = ["train", net, "--steps", "30", "--crop", "16", "--batch", "4", "--seed", "5", "--validation", "0.25",
                     "--validate-every", "10"]
        try convoySucceeds(train + ["--input", input, "--target", target, "-o", path("files.safetensors")])
        try ffmpeg(["-i", input, "-f", "rawvideo", "-pix_fmt", "yuv420p", path("in.yuv")])
        try ffmpeg(["-i", target, "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", path("gauss.y4m")])

        let raw = try convoy(train + ["--input", "-", "--raw", "96x64:yuv420p@10", "--target", target, "-o", path("raw.safetensors")],
                             stdinFile: path("in.yuv"))
        XCTAssertEqual(raw.status, 0, raw.summary)
        let y4m = try convoy(train + ["--input", input, "--target", "-", "-o", path("y4m.safetensors")], stdinFile: path("gauss.y4m"))
        XCTAssertEqual(y4m.status, 0, y4m.summary)
        try ffmpeg(["-i", target, "-f", "rawvideo", "-pix_fmt", "yuv420p", path("gauss.yuv")])
        let rawTarget = try convoy(train + ["--input", input, "--target", "-", "--target-raw", "96x64:yuv420p@10",
                                            "-o", path("raw-target.safetensors")], stdinFile: path("gauss.yuv"))
        XCTAssertEqual(rawTarget.status, 0, rawTarget.summary)
        let files = try XCTUnwrap(fileData(path("files.safetensors")))
        XCTAssertEqual(fileData(path("raw.safetensors")), files, "raw frames on stdin train as the file does")
        XCTAssertEqual(fileData(path("y4m.safetensors")), files, "a y4m target on stdin trains as the file does")
        XCTAssertEqual(fileData(path("raw-target.safetensors")), files, "a raw target on stdin trains as the file does")

        // Image sequences numbered from 7 pair frame by frame once told where they start.
        for (folder, clip) in [("seq-in", input), ("seq-target", target)] {
            try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true)
            try ffmpeg(["-i", clip, "-start_number", "7", path("\(folder)/%03d.png")])
        }
        let sequences = try convoySucceeds(train + ["--input", path("seq-in/%03d.png"), "--target", path("seq-target/%03d.png"),
                                                    "--start-number", "7", "-o", path("seq.safetensors")])
        XCTAssertTrue(sequences.stderrText.contains("8 frame pairs"), sequences.stderrText)
        XCTAssertTrue(raw.stderrText.contains("- → \(target)"), raw.stderrText)

        try assertRefused(train + ["--input", "-", "--target", "-"], code: 64, naming: ["standard input"])
        try assertRefused(train + ["--input", "-", "--raw", "96x64:yuv420p@10", "--target", target, "--frame-cache", "0"],
                          code: 64, naming: ["standard input", "--frame-cache"], stdinFile: path("in.yuv"))
    }

    /// Stopping at a checkpoint and resuming gives exactly the weights of a run never stopped: for
    /// Adam and for SGD with momentum (optimizer state), with held-out pairs, whether the frames
    /// are in memory or streamed again each epoch (`--frame-cache 0`: the SGD run decodes the
    /// clips again every epoch through a small shuffle buffer).
    func testResumeGivesTheSameWeightsAsAnUninterruptedRun() throws {
        let input = try noisyClip("in.mkv", frames: 12)
        let target = try convolved(input, "gauss.mkv", matrix: "1 2 1 2 4 2 1 2 1", extra: ":0rdiv=1/16")
        let net = try model("two.yaml", """
        input: {channels: 1}
        layers:
          - {name: c1, type: conv2d, in: 1, out: 4, kernel: 3, padding: 1}
          - {name: act, type: relu}
          - {name: c2, type: conv2d, in: 4, out: 1, kernel: 3, padding: 1}
        outputs: [c2]
        """)
        let variants: [[String]] = [["--optimizer", "adam"], ["--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.05"]]
        for (index, options) in variants.enumerated() {
            let common = ["train", net, "--input", input, "--target", target, "--crop", "16", "--batch", "3", "--seed", "9",
                          "--validation", "0.2", "-y", "--threads", "2"] + options + (index == 1 ? ["--frame-cache", "0"] : [])
            try convoySucceeds(common + ["--steps", "24", "-o", path("straight.safetensors")])
            try convoySucceeds(common + ["--steps", "10", "-o", path("half.safetensors"), "--checkpoint", path("run.ckpt"), "--checkpoint-every", "5"])
            let checkpoint = try safetensors(path("run.ckpt"))
            XCTAssertEqual(checkpoint.metadata["step"], "10")
            XCTAssertNotNil(checkpoint.tensors["optimizer.step"])
            XCTAssertNotNil(checkpoint.tensors["model.c1.weight"])
            let resumed = try convoySucceeds(common + ["--steps", "24", "-o", path("resumed.safetensors"), "--resume", path("run.ckpt")])
            XCTAssertTrue(resumed.stderrText.contains("at step 10 of 24"), resumed.stderrText)
            let straight = try safetensors(path("straight.safetensors")).tensors, again = try safetensors(path("resumed.safetensors")).tensors
            XCTAssertEqual(straight, again, "options \(options)")
            XCTAssertNotEqual(straight, try safetensors(path("half.safetensors")).tensors)
        }
    }

    /// Ctrl-C stops after the current step: the weights so far and a checkpoint are written, the
    /// exit code is 130, and the checkpoint resumes. The frames are streamed (`--frame-cache 0`),
    /// so the signal also stops the decoders in the middle of an epoch.
    func testCtrlCWritesTheWeightsSoFarAndACheckpoint() throws {
        let input = try noisyClip("in.mkv", frames: 6)
        let net = try singleConv("g.yaml", bias: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.convoy)
        process.arguments = ["train", net, "--input", input, "--target", input, "--crop", "16", "--steps", "100000000",
                             "--checkpoint", path("run.ckpt"), "--checkpoint-every", "1", "--summary", "json", "--frame-cache", "0"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: path("run.ckpt")) && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(process.isRunning, "the run ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((stderr.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(summary["interrupted"] as? Bool, true)
        let steps = try XCTUnwrap(summary["steps"] as? Int)
        XCTAssertEqual(try safetensors(path("g.safetensors")).metadata["steps"], String(steps))
        XCTAssertEqual(try safetensors(path("run.ckpt")).metadata["step"], String(steps))
        let resumed = try convoySucceeds(["train", net, "--input", input, "--target", input, "--crop", "16", "--steps", "\(steps + 3)",
                                          "--resume", path("run.ckpt"), "-y", "--summary", "json", "--frame-cache", "0"])
        XCTAssertTrue(resumed.stderrText.contains("\"first_step\":\(steps)"), resumed.stderrText)
    }

    // MARK: Reporting

    /// --progress json lines carry step, loss, validation loss and PSNR, steps/s and ETA; the
    /// last says "end".
    func testProgressJSON() throws {
        let input = try noisyClip("in.mkv", frames: 6)
        let net = try singleConv("g.yaml", bias: true)
        let result = try convoySucceeds(["train", net, "--input", input, "--target", input, "--steps", "20", "--crop", "16",
                                         "--validation", "0.2", "--validate-every", "10", "--progress", "json"])
        let objects = result.stderrLines.filter { $0.hasPrefix("{") }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let last = try XCTUnwrap(objects.last)
        XCTAssertEqual(last["progress"] as? String, "end")
        XCTAssertEqual(last["step"] as? Int, 20)
        for key in ["loss", "validation_loss", "validation_psnr", "steps_per_second", "eta", "lr", "epoch", "elapsed"] {
            XCTAssertNotNil(last[key], "\(key) in \(last)")
        }
        XCTAssertTrue(result.stderrText.contains("step=10/20"), "a validation line at step 10: \(result.stderrText)")
        XCTAssertTrue(result.stderrText.contains("weights written to"), result.stderrText)
    }

    // MARK: Bad input

    func testBadTrainingInputIsRefusedWithOneLine() throws {
        let input = try noisyClip("in.mkv", frames: 6)
        let net = try singleConv("g.yaml", bias: true)
        let train = ["train", net, "--crop", "16", "--steps", "2"]
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=80x64:rate=10", "-frames:v", "6", "-c:v", "ffv1", path("narrow.mkv")])
        try assertRefused(train + ["--input", input, "--target", path("narrow.mkv")], code: 65, naming: ["narrow.mkv", "80×64", "96×64"])
        let short = try noisyClip("short.mkv", frames: 4)
        try assertRefused(train + ["--input", input, "--target", short], code: 65, naming: ["in.mkv has 6 frames", "short.mkv has 4"])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=5", "-frames:v", "6", "-c:v", "ffv1", path("slow.mkv")])
        try assertRefused(train + ["--input", input, "--target", path("slow.mkv")], code: 65, naming: ["do not pair"])
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path("junk.mp4")))
        try assertRefused(train + ["--input", input, "--target", path("junk.mp4")], code: 65, naming: ["junk.mp4"])
        try assertRefused(train + ["--input", path("nothere.mkv"), "--target", input], code: 66, naming: ["nothere.mkv"])
        try assertRefused(["train", path("nomodel.yaml"), "--input", input, "--target", input], code: 66, naming: ["nomodel.yaml"])
        try assertRefused(train + ["--input", input, "--target", input, "--crop", "128"], code: 64, naming: ["128×128 crop"])

        // A model whose output does not match the target: half its size, or 8 channels.
        let pooled = try model("pool.yaml", """
        input: {channels: 1}
        layers:
          - {name: conv, type: conv2d, in: 1, out: 1, kernel: 3, padding: 1}
          - {name: pool, type: maxpool, kernel: 2}
        outputs: [pool]
        """)
        try assertRefused(["train", pooled, "--input", input, "--target", input], code: 65, naming: ["output shape differs from the target's"])
        let wide = try model("wide.yaml", """
        input: {channels: 1}
        layers:
          - {name: conv, type: conv2d, in: 1, out: 8, kernel: 3, padding: 1}
        outputs: [conv]
        """)
        try assertRefused(["train", wide, "--input", input, "--target", input], code: 65, naming: ["8 channels"])

        // Cross-entropy needs probabilities over several channels.
        try assertRefused(train + ["--input", input, "--target", input, "--loss", "cross-entropy"], code: 64, naming: ["cross-entropy"])

        // Folders with unpaired names.
        for folder in ["a", "b"] { try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true) }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", path("a/one.png")])
        try FileManager.default.copyItem(atPath: path("a/one.png"), toPath: path("b/two.png"))
        try assertRefused(["train", net, "--input", path("a"), "--target", path("b"), "--crop", "16"], code: 65, naming: ["one.png", "two.png", "without a partner"])

        // Existing output without -y.
        try Data().write(to: URL(fileURLWithPath: path("g.safetensors")))
        try assertRefused(train + ["--input", input, "--target", input], code: 73, naming: ["g.safetensors", "-y"])
    }

    /// An unreadable checkpoint, one of another model and one made with other options are refused
    /// before any step, and nothing is written.
    func testBadCheckpointsAreRefused() throws {
        let input = try noisyClip("in.mkv", frames: 6)
        let net = try singleConv("g.yaml", bias: true)
        let train = ["train", net, "--input", input, "--target", input, "--crop", "16", "--batch", "2", "--steps", "6", "-o", path("w.safetensors")]
        try Data("not safetensors".utf8).write(to: URL(fileURLWithPath: path("junk.ckpt")))
        try assertRefused(train + ["--resume", path("junk.ckpt")], code: 65, naming: ["junk.ckpt"])
        try assertRefused(train + ["--resume", path("none.ckpt")], code: 66, naming: ["none.ckpt"])
        try convoySucceeds(train + ["--steps", "3", "--checkpoint", path("run.ckpt"), "-o", path("first.safetensors")])
        try assertRefused(train + ["--resume", path("run.ckpt"), "--batch", "3"], code: 65, naming: ["run.ckpt", "batch 2", "batch 3"])
        try assertRefused(train + ["--resume", path("run.ckpt"), "--seed", "4"], code: 65, naming: ["run.ckpt", "seed"])
        try assertRefused(train + ["--resume", path("run.ckpt"), "--frame-cache", "0"], code: 65, naming: ["run.ckpt", "--frame-cache"])
        let other = try model("other.yaml", """
        input: {channels: 1}
        layers:
          - {name: conv, type: conv2d, in: 1, out: 1, kernel: 5, padding: 2}
        outputs: [conv]
        """)
        var otherModel = train
        otherModel[1] = other
        try assertRefused(otherModel + ["--resume", path("run.ckpt")], code: 65, naming: ["run.ckpt", "conv.weight"])
        // Weights that are not a checkpoint (no step in the metadata).
        try assertRefused(train + ["--resume", path("first.safetensors")], code: 65, naming: ["not a Convoy training checkpoint"])
    }
}
