import Foundation
import XCTest

/// `convoy-bench --model FILE --size WxH`: any model file's network timed alone, YAML or ONNX.
/// Only what it reports is checked (the FLOPs it counts, the shape of its line), never a speed.
final class BenchModelTests: ConvoyTestCase {
    private var convoyBench: String {
        URL(fileURLWithPath: Tools.convoy).deletingLastPathComponent().appendingPathComponent("convoy-bench").path
    }

    func testAYAMLAndAnONNXModelAreTimedAloneWithTheirConvolutionFLOPs() throws {
        let yaml = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let onnx = Tools.packageRoot.appendingPathComponent("Tests/ConvoyWeightsTests/Fixtures/onnx/tiny-features.onnx").path
        // tiny-features: 3→16 at 64×48, then 16→32 and 32→32 on the pooled 32×24, 3×3 each.
        let full: Int = 64 * 48, pooled: Int = 32 * 24
        let flops = Double(2 * 9 * (16 * 3 * full + 32 * 16 * pooled + 32 * 32 * pooled))
        for (model, name, label) in [(yaml, "tiny-features.yaml", []), (onnx, "tiny-features.onnx", []), (onnx, "net", ["--name", "net"])] {
            let result = try ProcessRunner.run(convoyBench, ["--model", model, "--size", "64x48", "--batch", "3", "--repeat", "2", "--threads", "1"] + label)
            XCTAssertEqual(result.status, 0, result.stderrText)
            let lines = result.stdoutLines.filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, 1, result.stdoutText)
            let line = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            XCTAssertEqual(line["name"] as? String, name)
            XCTAssertEqual(line["flop_per_frame"] as? Double, flops)
            XCTAssertEqual([line["width"] as? Int, line["height"] as? Int, line["batch"] as? Int], [64, 48, 3])
            XCTAssertEqual((line["runs_ms_per_frame"] as? [Double])?.count, 2)
            XCTAssertGreaterThan(line["ms_per_frame"] as? Double ?? 0, 0)
        }
    }

    func testBadModelsAndSizesAreRefusedInOneLine() throws {
        let bad = Tools.packageRoot.appendingPathComponent("Tests/ConvoyWeightsTests/Fixtures/onnx/bad_unsupported.onnx").path
        let refused = try ProcessRunner.run(convoyBench, ["--model", bad, "--size", "64x48"])
        XCTAssertEqual(refused.status, 65, refused.stderrText)
        XCTAssertEqual(refused.stderrLines.count, 1, refused.stderrText)
        XCTAssertTrue(refused.stderrText.contains("\"Erf\" ×4"), refused.stderrText)
        let named = try ProcessRunner.run(convoyBench, ["--case", "conv-3-16", "--name", "x"])
        XCTAssertEqual(named.status, 64, named.stderrText)
        let missing = try ProcessRunner.run(convoyBench, ["--model", path("none.onnx"), "--size", "64x48"])
        XCTAssertEqual(missing.status, 66, missing.stderrText)
        let size = try ProcessRunner.run(convoyBench, ["--model", bad, "--size", "64by48"])
        XCTAssertEqual(size.status, 64, size.stderrText)
        XCTAssertTrue(size.stderrText.contains("WIDTHxHEIGHT"), size.stderrText)
    }
}
