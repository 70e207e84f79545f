import ConvoyWeights
import Foundation
import XCTest

/// Files the importer must refuse before any frame, each with one line naming the file.
final class ONNXErrorTests: XCTestCase {
    private func refusal(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try ONNXLoader.load(path: path)
            XCTFail("\(path) loaded", file: file, line: line)
            return ""
        } catch let error as ModelError {
            let text = error.description
            XCTAssertTrue(text.hasPrefix(path + ": "), text, file: file, line: line)
            XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
            return text
        } catch {
            XCTFail("not a ModelError: \(error)", file: file, line: line)
            return ""
        }
    }

    func testEveryUnsupportedOperatorIsListedWithCountsAndNames() throws {
        let text = refusal(try ONNXTestRun.fixtures() + "/bad_unsupported.onnx")
        XCTAssertTrue(text.contains("2 operator types"), text)
        XCTAssertTrue(text.contains("\"Erf\" ×4 (\"erf1\", \"erf2\", \"erf3\", …)"), text)
        XCTAssertTrue(text.contains("\"LpNormalization\" ×1 (\"norm\")"), text)
    }

    func testKnownOperatorsUsedAsConvoyCannotRunThemAreListedToo() throws {
        let text = refusal(try ONNXTestRun.fixtures() + "/bad_unsupported_uses.onnx")
        XCTAssertTrue(text.contains("Convoy cannot run 3 operator types"), text)
        XCTAssertTrue(text.contains("\"MaxPool\" ×2 (\"pool1\", \"pool2\": its Indices output (Convoy computes the values only))"), text)
        XCTAssertTrue(text.contains("\"Softmax\" ×1 (\"soft\": a softmax over axes [2]"), text)
        XCTAssertTrue(text.contains("\"Erf\" ×1 (\"erf\")"), text)
        // In the order they first appear; the Concat that reads them all is passed over, not listed.
        let order = ["MaxPool", "Softmax", "Erf"].compactMap { text.range(of: "\"\($0)\" ×")?.lowerBound }
        XCTAssertEqual(order, order.sorted(), text)
        XCTAssertFalse(text.contains("join"), text)
    }

    func testBadFilesAreRefusedInOneLine() throws {
        let directory = try ONNXTestRun.fixtures()
        let expectations = [
            "bad_two_inputs": "2 inputs",
            "bad_short_weight": "bytes of data",
            "bad_external_short": "too short",
            "bad_external_missing": "missing",
            "bad_external_escape": "outside the model's folder",
            "cyclic": "out of order or cyclic",
        ]
        for (name, words) in expectations {
            let text = refusal(directory + "/\(name).onnx")
            XCTAssertTrue(text.contains(words), "\(name): \(text)")
        }
        XCTAssertNil(try? ONNXLoader.load(path: directory + "/no-such.onnx"))
        do {
            _ = try ONNXLoader.load(path: directory + "/no-such.onnx")
        } catch let error as ModelError {
            XCTAssertEqual(error.problem, .noSuchFile)
        }
    }

    func testNotProtobufAndTruncatedFiles() throws {
        let text = try Data(contentsOf: URL(fileURLWithPath: try ONNXTestRun.fixtures() + "/generate_onnx.py"))
        XCTAssertThrowsError(try ONNXLoader.load(data: text, path: "script.onnx")) { error in
            XCTAssertTrue("\(error)".hasPrefix("script.onnx: not a valid ONNX file"), "\(error)")
        }
        let model = try Data(contentsOf: URL(fileURLWithPath: try ONNXTestRun.fixtures() + "/conv_pads.onnx"))
        XCTAssertThrowsError(try ONNXLoader.load(data: model.prefix(model.count - 7), path: "cut.onnx")) { error in
            XCTAssertTrue("\(error)".contains("cut.onnx: "), "\(error)")
        }
    }
}
