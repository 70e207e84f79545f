import ConvoyWeights
import Foundation
import XCTest

/// ONNX's own backend test data, as the `onnx` wheel ships it (onnx/backend/test/data/
/// pytorch-converted and pytorch-operator, models exported from PyTorch with stored inputs and
/// outputs): every case Convoy's importer takes runs and must match the stored outputs within
/// 1e-4 (`|a - b| <= 1e-4 · (1 + |b|)`). Cases it refuses are skipped with the importer's reason;
/// the table of all of them is printed. The data comes from the venv `make test` sets up
/// (`.venv`, or the folder in CONVOY_ONNX_BACKEND_DATA).
final class ONNXBackendDataTests: XCTestCase {
    /// Cases that must run and pass: the 2-D image cases the issue names, and the 1-D ones.
    private static let required = [
        "test_Conv2d", "test_Conv2d_depthwise", "test_Conv2d_depthwise_padded", "test_Conv2d_depthwise_strided",
        "test_Conv2d_depthwise_with_multiplier", "test_Conv2d_dilated", "test_Conv2d_groups", "test_Conv2d_groups_thnn",
        "test_Conv2d_no_bias", "test_Conv2d_padding", "test_Conv2d_strided", "test_BatchNorm2d_eval",
        "test_BatchNorm2d_momentum_eval", "test_MaxPool2d", "test_MaxPool2d_stride_padding_dilation", "test_AvgPool2d", "test_AvgPool2d_stride", "test_PReLU_2d",
        "test_PReLU_2d_multiparam", "test_PixelShuffle", "test_ReLU", "test_Sigmoid", "test_Tanh", "test_Softmax",
        "test_softmax_lastdim", "test_Linear", "test_Linear_no_bias", "test_operator_conv", "test_ConvTranspose2d",
        "test_ConvTranspose2d_no_bias", "test_ConstantPad2d", "test_ReflectionPad2d", "test_ReplicationPad2d", "test_ZeroPad2d",
        "test_LeakyReLU_with_negval", "test_operator_clip", "test_operator_convtranspose", "test_operator_flatten",
        "test_operator_pad",
        // 1-D maps [N, C, L], run as [N, C, L, 1].
        "test_Conv1d", "test_Conv1d_dilated", "test_Conv1d_groups", "test_Conv1d_pad1", "test_Conv1d_pad1size1", "test_Conv1d_pad2",
        "test_Conv1d_pad2size1", "test_Conv1d_stride", "test_MaxPool1d", "test_MaxPool1d_stride", "test_MaxPool1d_stride_padding_dilation",
        "test_AvgPool1d", "test_AvgPool1d_stride", "test_operator_maxpool",
    ]

    private static func dataFolder() -> String? {
        if let folder = ProcessInfo.processInfo.environment["CONVOY_ONNX_BACKEND_DATA"] { return folder }
        let lib = TestFiles.root + "/.venv/lib"
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib))?.filter { $0.hasPrefix("python") } ?? []
        return pythons.map { "\(lib)/\($0)/site-packages/onnx/backend/test/data" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    func testPyTorchCasesMatchTheirStoredOutputs() throws {
        guard let data = Self.dataFolder() else {
            let reason = "ONNX's backend test data was not found (no .venv with the onnx wheel; make test-venv makes it)"
            print("ONNXBackendDataTests: skipped: \(reason)")
            throw XCTSkip(reason)
        }
        var rows: [(name: String, result: String, detail: String)] = []
        for suite in ["pytorch-converted", "pytorch-operator"] {
            let folder = data + "/" + suite
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
                let base = "\(folder)/\(name)"
                let set = base + "/test_data_set_0"
                let inputs = ONNXTestRun.numberedFiles(set + "/input_")
                guard inputs.count == 1 else {
                    rows.append((name, "skipped", "\(inputs.count) inputs (Convoy feeds one image)"))
                    continue
                }
                let model: LoadedModel
                do {
                    let input = try ONNXTensorFile(path: inputs[0])
                    let size = input.dims.count == 4 ? SpatialPair(y: input.dims[2], x: input.dims[3]) : nil
                    model = try ONNXLoader.load(path: base + "/model.onnx", frameSize: size)
                } catch let error as ModelError {
                    let reason = error.description.replacingOccurrences(of: base + "/model.onnx: ", with: "")
                    rows.append((name, "skipped", reason))
                    continue
                }
                do {
                    if let problem = try ONNXTestRun.mismatch(model: model, inputPath: inputs[0],
                                                              expectedPaths: ONNXTestRun.numberedFiles(set + "/output_"), tolerance: 1e-4) {
                        rows.append((name, "FAILED", problem))
                    } else {
                        rows.append((name, "passed", ""))
                    }
                } catch {
                    rows.append((name, "skipped", "\(error)"))
                }
            }
        }
        let width = rows.map(\.name.count).max() ?? 10
        var table = ["ONNX backend test data (\(data)):", "case".padding(toLength: width, withPad: " ", startingAt: 0) + "  result   reason"]
        for row in rows {
            table.append(row.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " +
                         row.result.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + row.detail)
        }
        let passed = rows.filter { $0.result == "passed" }.count
        let failed = rows.filter { $0.result == "FAILED" }.count
        table.append("\(rows.count) cases: \(passed + failed) run, \(passed) passed, \(failed) failed, \(rows.count - passed - failed) skipped")
        print(table.joined(separator: "\n"))
        XCTAssertEqual(failed, 0, rows.filter { $0.result == "FAILED" }.map { "\($0.name): \($0.detail)" }.joined(separator: "; "))
        for name in Self.required {
            XCTAssertEqual(rows.first { $0.name == name }?.result, "passed", "\(name): \(rows.first { $0.name == name }?.detail ?? "absent")")
        }
    }
}
