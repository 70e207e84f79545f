import ConvoyPipeline
import ConvoyTensor
import Foundation
import XCTest

final class PipelineSpecTests: XCTestCase {
    func testReadsEveryKey() throws {
        let spec = try PipelineSpec.parse("""
        # comment
        space: luma
        border: reflect
        batch: 4
        format: matroska
        kernels:
          - gaussian:sigma=1.5
          - "[1 2 1; 2 4 2; 1 2 1]/16"
        encoder:
          codec: ffv1
          crf: 18
          preset: slow
          bitrate: 1000000
          pix_fmt: yuv444p
        """, name: "p.yaml")
        XCTAssertEqual(spec.space, .luma)
        XCTAssertEqual(spec.border, .reflect)
        XCTAssertEqual(spec.batch, 4)
        XCTAssertEqual(spec.format, "matroska")
        XCTAssertEqual(spec.kernels, ["gaussian:sigma=1.5", "[1 2 1; 2 4 2; 1 2 1]/16"])
        XCTAssertEqual(spec.encoder?.codec, "ffv1")
        XCTAssertEqual(spec.encoder?.crf, 18)
        XCTAssertEqual(spec.encoder?.preset, "slow")
        XCTAssertEqual(spec.encoder?.bitrate, 1_000_000)
        XCTAssertEqual(spec.encoder?.pixFmt, "yuv444p")
    }

    func testDefaults() throws {
        let spec = try PipelineSpec.parse("kernels: [box]", name: "p.yaml")
        XCTAssertEqual(spec.space, .rgb)
        XCTAssertEqual(spec.border, .replicate)
        XCTAssertEqual(spec.batch, 8)
        XCTAssertNil(spec.encoder)
        XCTAssertEqual(spec.chroma, .keep)
        XCTAssertEqual(try PipelineSpec.parse("kernels: [sobel]\nspace: luma\nchroma: neutral", name: "p.yaml").chroma, .neutral)
    }

    func testBadFilesNameTheFileAndTheProblem() {
        let cases: [(String, String)] = [
            ("kernels: [box]\nspeed: 3", "unknown key \"speed\""),
            ("kernels: [box]\nencoder:\n  codek: x", "unknown key \"codek\""),
            ("space: rgb", "\"kernels\" is missing"),
            ("kernels: []", "empty"),
            ("kernels: [blurry]", "kernels[0]"),
            ("kernels: [box, \"[1 2; 3 4]\"]", "kernels[1]"),
            ("kernels: [box]\nborder: wrap", "unknown border"),
            ("kernels: [box]\nspace: hsv", "space"),
            ("kernels: [box]\nbatch: 0", "batch"),
            ("kernels: [box]\nchroma: neutral", "needs space: luma"),
            ("kernels: [box]\nmodel: m.yaml", "not both"),
            ("kernels: [box]\nspace: luma\nchroma: grey", "chroma"),
            ("kernels: [box]\nbatch: many", "batch"),
            ("kernels: [box", "not a valid pipeline file"),
            ("- just\n- a list", "p.yaml"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try PipelineSpec.parse(text, name: "p.yaml"), text) { error in
                guard let error = error as? ConvoyError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(error.exitCode, ConvoyError.dataError, text)
                XCTAssertTrue(error.message.hasPrefix("p.yaml: "), error.message)
                XCTAssertTrue(error.message.contains(expected), "\(text) -> \(error.message)")
                XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
            }
        }
    }

    func testModelPipelinesNameTheModelRelativeToTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-spec-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("p.yaml")
        try "model: ../Models/net.yaml\n".write(to: file, atomically: true, encoding: .utf8)
        let spec = try PipelineSpec.load(path: file.path)
        XCTAssertEqual(spec.kernels, [])
        XCTAssertEqual(spec.model, directory.deletingLastPathComponent().appendingPathComponent("Models/net.yaml").path)
    }

    func testMissingFile() {
        XCTAssertThrowsError(try PipelineSpec.load(path: "/nonexistent/p.yaml")) { error in
            XCTAssertEqual((error as? ConvoyError)?.exitCode, ConvoyError.noInput)
        }
    }

    func testEveryShippedPipelineLoads() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Pipelines").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertGreaterThanOrEqual(files.count, 4)
        for name in ["blur.yaml", "sharpen.yaml", "edges.yaml", "emboss.yaml"] { XCTAssertTrue(files.contains(name), name) }
        for file in files {
            let path = directory.appendingPathComponent(file).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("# "), "\(file) starts with a comment saying what it does")
            XCTAssertNoThrow(try PipelineSpec.load(path: path), file)
        }
    }
}
