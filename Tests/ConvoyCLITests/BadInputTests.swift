import Foundation
import XCTest

/// Every way a run can be asked to do something impossible ends the same way: the promised
/// sysexits code, one line `convoy: …` on stderr naming the culprit, no crash trace, and nothing
/// left in the output directory (neither the output nor the muxer's `.NAME.convoy-*.tmp`).
final class BadInputTests: ConvoyTestCase {
    private var clip: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        clip = try makeClip("in.mp4", size: "160x120", rate: "25", duration: 0.4, audio: false)
    }

    /// Runs convoy and checks the failure contract.
    private func assertFailsCleanly(_ arguments: [String], exitCode: Int32, naming culprits: [String],
                                    outputDirectory: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = outputDirectory ?? workDirectory.path
        let before = directoryListing(directory)
        let result = try convoy(arguments)
        assertNoCrashTrace(result, file: file, line: line)
        XCTAssertEqual(result.status, exitCode, "wrong exit code: \(result.summary)", file: file, line: line)
        XCTAssertEqual(result.stdout.count, 0, "output on stdout: \(result.stdoutText)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "expected exactly one line on stderr, got: \(result.stderrLines)", file: file, line: line)
        let message = result.stderrLines.last ?? ""
        XCTAssertTrue(message.hasPrefix("convoy: "), "the message does not start with \"convoy: \": \(message)", file: file, line: line)
        for culprit in culprits {
            XCTAssertTrue(message.contains(culprit), "the message does not name \(culprit): \(message)", file: file, line: line)
        }
        XCTAssertEqual(directoryListing(directory), before, "files appeared in or vanished from \(directory)", file: file, line: line)
        XCTAssertEqual(temporaryLeftovers(in: directory), [], file: file, line: line)
    }

    func testMissingInputFile() throws {
        try assertFailsCleanly(["filter", path("nosuch.mp4"), "-o", path("out.mp4"), "--kernel", "gaussian"],
                               exitCode: 66, naming: ["nosuch.mp4"])
    }

    func testTextFileAsInput() throws {
        let text = path("notes.mp4")
        try Data("This is a text file, not a video.\n".utf8).write(to: URL(fileURLWithPath: text))
        try assertFailsCleanly(["filter", text, "-o", path("out.mp4"), "--kernel", "gaussian"], exitCode: 65, naming: ["notes.mp4"])
    }

    func testUnknownKernel() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "blurry"], exitCode: 64, naming: ["blurry"])
    }

    func testMalformedMatrix() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "[1 2 1; 2 4]"],
                               exitCode: 64, naming: ["[1 2 1; 2 4]"])
    }

    func testEvenSizedMatrix() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "[1 2; 3 4]"],
                               exitCode: 64, naming: ["[1 2; 3 4]"])
    }

    func testZeroDivisor() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "[1 2 1]/0"],
                               exitCode: 64, naming: ["[1 2 1]/0"])
    }

    /// A bad kernel after a good one still fails before anything is written.
    func testBadKernelLaterInTheChain() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "gaussian", "--kernel", "[1 2 1]/0"],
                               exitCode: 64, naming: ["[1 2 1]/0"])
    }

    func testPipelineFileWithUnknownKey() throws {
        let pipeline = path("typo.yaml")
        try Data("space: rgb\nkernels:\n  - gaussian\ncolour: red\n".utf8).write(to: URL(fileURLWithPath: pipeline))
        try assertFailsCleanly(["run", pipeline, clip, "-o", path("out.mp4")], exitCode: 65, naming: ["typo.yaml", "colour"])
    }

    func testPipelineFileWithBadKernel() throws {
        let pipeline = path("badkernel.yaml")
        try Data("space: rgb\nkernels:\n  - gaussian\n  - blurry\n".utf8).write(to: URL(fileURLWithPath: pipeline))
        try assertFailsCleanly(["run", pipeline, clip, "-o", path("out.mp4")], exitCode: 65, naming: ["badkernel.yaml", "blurry"])
    }

    func testPipelineFileThatIsNotYAML() throws {
        let pipeline = path("broken.yaml")
        try Data("kernels: [gaussian\n  space: : :\n\t- x".utf8).write(to: URL(fileURLWithPath: pipeline))
        try assertFailsCleanly(["run", pipeline, clip, "-o", path("out.mp4")], exitCode: 65, naming: ["broken.yaml"])
    }

    func testMissingPipelineFile() throws {
        try assertFailsCleanly(["run", path("nosuch.yaml"), clip, "-o", path("out.mp4")], exitCode: 66, naming: ["nosuch.yaml"])
    }

    func testUnknownEncoder() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.mp4"), "--kernel", "gaussian", "--codec", "nosuchcodec"],
                               exitCode: 64, naming: ["nosuchcodec"])
    }

    func testUnknownContainerFormat() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("out.bin"), "--kernel", "gaussian", "--format", "nosuchformat"],
                               exitCode: 64, naming: ["nosuchformat"])
    }

    func testExistingOutputWithoutOverwrite() throws {
        let existing = path("exists.mp4")
        let contents = Data("precious bytes\n".utf8)
        try contents.write(to: URL(fileURLWithPath: existing))
        try assertFailsCleanly(["filter", clip, "-o", existing, "--kernel", "gaussian"], exitCode: 73, naming: ["exists.mp4"])
        XCTAssertEqual(fileData(existing), contents, "the existing output was changed")
    }

    func testOutputSameAsInputEvenWithOverwrite() throws {
        let original = try XCTUnwrap(fileData(clip))
        try assertFailsCleanly(["filter", clip, "-o", clip, "--kernel", "gaussian", "-y"], exitCode: 64, naming: ["in.mp4"])
        XCTAssertEqual(fileData(clip), original, "the input was changed")
        // Spelled differently, it is still the same file.
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: true)
        let roundabout = path("sub/../in.mp4")
        try assertFailsCleanly(["filter", clip, "-o", roundabout, "--kernel", "gaussian", "-y"], exitCode: 64, naming: ["in.mp4"])
        XCTAssertEqual(fileData(clip), original, "the input was changed")
    }

    func testOutputDirectoryDoesNotExist() throws {
        try assertFailsCleanly(["filter", clip, "-o", path("nodir/out.mp4"), "--kernel", "gaussian"],
                               exitCode: 73, naming: ["nodir"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nodir")))
    }

    /// A file cut at half its size: either a clean failure that leaves nothing, or a playable
    /// output with fewer frames. Never a crash or a hang.
    func testTruncatedInputs() throws {
        let full = try makeClip("full.mkv", size: "320x240", rate: "30", duration: 2)
        try ffmpeg(["-i", full, "-c", "copy", path("full.mp4")])
        let fullCount = try decodedFrameCount(full)
        XCTAssertEqual(fullCount, 60)
        for name in ["full.mkv", "full.mp4"] {
            let data = try XCTUnwrap(fileData(path(name)))
            let ext = (name as NSString).pathExtension
            let truncated = path("cut.\(ext)")
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
            let output = path("cut-out.\(ext)")
            let result = try convoy(["filter", truncated, "-o", output, "--kernel", "gaussian"], timeout: 60)
            assertNoCrashTrace(result)
            if result.status == 0 {
                let frames = try assertDecodesCleanly(output)
                XCTAssertGreaterThan(frames, 0, "\(name): an empty output")
                XCTAssertLessThan(frames, fullCount, "\(name): more frames than half a file holds")
            } else {
                XCTAssertTrue([65, 74].contains(result.status), "\(name): unexpected exit code \(result.status)")
                let message = result.stderrLines.last ?? ""
                XCTAssertTrue(message.hasPrefix("convoy: ") && message.contains("cut.\(ext)"),
                              "\(name): the last stderr line does not name the input: \(result.stderrLines)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(name): a failed run left its output")
            }
            XCTAssertEqual(temporaryLeftovers(), [], "\(name): temporary files left")
        }
    }

    // Resource limits (issue 18): sizes read from files are checked before anything of that size
    // is allocated. The numbers here exceed any machine this runs on.

    /// An empty safetensors file beside `name`.yaml holding `yaml`.
    private func writeModel(_ name: String, _ yaml: String, weights: Data = Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8)) throws -> String {
        let model = path(name + ".yaml")
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: model))
        try weights.write(to: URL(fileURLWithPath: path(name + ".safetensors")))
        return model
    }

    /// Two ×64 nearest upsamplings: one 160×120 frame's output is 655360×491520×3 floats.
    func testAModelWhoseOutputsCannotFitIsRefusedBeforeAllocating() throws {
        let model = try writeModel("up", """
            input: {channels: 3}
            layers:
              - {name: up1, type: upsample, scale: 64}
              - {name: up2, type: upsample, scale: 64}
            outputs: [up2]
            """)
        let bytes = 4 * (3 * 160 * 120 + 3 * (160 * 4096) * (120 * 4096))
        try assertFailsCleanly(["features", clip, "--model", model, "-o", path("f.npy")], exitCode: 65,
                               naming: ["up.yaml", "160x120", "(\(bytes) bytes)", "more than"])
        try assertFailsCleanly(["filter", clip, "--model", model, "-o", path("out.mkv"), "--codec", "ffv1"], exitCode: 65,
                               naming: ["up.yaml", "(\(bytes) bytes)"])
    }

    /// A weight of [65536, 3, 1024, 1024] F32 (824 GB) whose data lies in a sparse file: the
    /// header and offsets are consistent, so only the conversion to floats is refused.
    func testATensorClaimingHundredsOfGigabytesIsRefusedBeforeConverting() throws {
        let count = 65536 * 3 * 1024 * 1024
        var header = Data(#"{"big.weight":{"dtype":"F32","shape":[65536,3,1024,1024],"data_offsets":[0,\#(count * 4)]}}"#.utf8)
        header.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var file = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) }
        file.append(header)
        let model = try writeModel("big", """
            input: {channels: 3}
            layers:
              - {name: big, type: conv2d, in: 3, out: 65536, kernel: 1024, bias: false}
            outputs: [big]
            """, weights: file)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path("big.safetensors")))
        try handle.truncate(atOffset: UInt64(file.count + count * 4))
        try handle.close()
        try assertFailsCleanly(["model", model], exitCode: 65, naming: ["big.safetensors", "big.weight", "(\(count * 4) bytes)", "more than"])
    }

    /// A --raw value is an option, so ArgumentParser reports it (exit 64, its usage lines after).
    func testRawFramesOverFFmpegsLimitAreRefused() throws {
        for (raw, numbers) in [("16000x16000:gbrapf32le", "4096000000 bytes"), ("2147483648x2147483648:rgb24", "between 1 and 16384")] {
            let result = try convoy(["filter", "-", "--raw", raw, "-o", path("out.mp4"), "--kernel", "box"])
            assertNoCrashTrace(result)
            XCTAssertEqual(result.status, 64, result.summary)
            XCTAssertTrue(result.stderrLines.first?.contains(raw) ?? false, result.stderrText)
            XCTAssertTrue(result.stderrLines.first?.contains(numbers) ?? false, result.stderrText)
            XCTAssertEqual(temporaryLeftovers(), [])
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.mp4")))
        }
    }

    /// FFmpeg's y4m demuxer refuses the header (av_image_check_size) before Convoy sizes anything.
    func testAY4MHeaderClaimingAHugeFrameIsRefused() throws {
        let y4m = path("huge.y4m")
        try (Data("YUV4MPEG2 W2147483647 H2147483647 F25:1 Ip A1:1 C420jpeg\nFRAME\n".utf8) + Data(count: 4096))
            .write(to: URL(fileURLWithPath: y4m))
        try assertFailsCleanly(["filter", y4m, "-o", path("out.mp4"), "--kernel", "box"], exitCode: 65, naming: ["huge.y4m"])
    }
}
