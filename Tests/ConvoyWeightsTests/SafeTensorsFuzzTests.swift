import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Thousands of mutated safetensors files fed to the reader: each must open (and then convert
/// every tensor) or throw a `SafeTensorsError` with a one-line message, and never crash.
final class SafeTensorsFuzzTests: XCTestCase {
    private struct Outcome {
        var opened = 0
        var rejected = 0
    }

    private static let tokens = [
        "{", "}", "[", "]", ":", ",", "\"", " ", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
        "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"F8_E4M3\"", "\"Q4\"", "\"\"", "\"w\"", "\"b\"",
        "0", "4", "8", "-1", "-9223372036854775808", "9223372036854775807", "18446744073709551616", "1e400",
        "1.5", "-0", "1e2", "null", "true", "false", "\"\\u0000\"", "\"\\ud800\"", "\u{FF}", "\\", "{\"a\":{}}",
    ]

    /// A valid file to mutate: a few tensors of each float type and metadata.
    private func baseFile() throws -> Data {
        var generator = SeededGenerator(seed: 99)
        let records = [
            SafeTensorsRecord(name: "conv.weight", tensor: Tensor(shape: Shape(2, 1, 3, 3), values: generator.floats(18))),
            SafeTensorsRecord(name: "conv.bias", tensor: Tensor(shape: Shape(2), values: generator.floats(2)), dtype: .f16),
            SafeTensorsRecord(name: "bn.weight", tensor: Tensor(shape: Shape(2), values: generator.floats(2)), dtype: .bf16),
            SafeTensorsRecord(name: "bn.num_batches_tracked", dtype: .i64, shape: [], bytes: Data(count: 8)),
            SafeTensorsRecord(name: "pts", float64: [0, 0.5]),
        ]
        return try SafeTensorsFile.encode(records, metadata: ["format": "pt"])
    }

    private func headerRange(of file: Data) -> Range<Int> {
        let length = file.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        return 8 ..< 8 + length
    }

    /// Opens `data` and converts every tensor; records whether it opened.
    private func feed(_ data: Data, _ outcome: inout Outcome) {
        do {
            let file = try SafeTensorsFile(data: data, name: "fuzz.safetensors")
            for name in file.names {
                do {
                    let tensor = try file.tensor(named: name)
                    XCTAssertEqual(tensor.count, file.info(named: name)?.elementCount)
                } catch let error as SafeTensorsError {
                    XCTAssertEqual(error.problem, .notConvertible(tensor: name, dtype: file.info(named: name)!.dtype))
                }
            }
            outcome.opened += 1
        } catch let error as SafeTensorsError {
            XCTAssertEqual(error.path, "fuzz.safetensors")
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertFalse(error.description.contains("\r"), error.description)
            XCTAssertLessThan(error.description.count, 1000)
            outcome.rejected += 1
        } catch {
            XCTFail("not a SafeTensorsError: \(error)")
        }
    }

    private func withLength(_ header: [UInt8], data: Data, length: UInt64? = nil) -> Data {
        var file = Data()
        withUnsafeBytes(of: (length ?? UInt64(header.count)).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        file.append(data)
        return file
    }

    func testMutatedHeadersNeverCrash() throws {
        let base = try baseFile()
        let range = headerRange(of: base)
        let header = [UInt8](base[range])
        let payload = base[range.upperBound...]
        var generator = SeededGenerator(seed: 2024)
        var outcome = Outcome()
        feed(base, &outcome)
        XCTAssertEqual(outcome.opened, 1)

        for iteration in 0..<4000 {
            var mutated = header
            var length: UInt64?
            var data = Data(payload)
            switch iteration % 8 {
            case 0: // random byte flips
                for _ in 0 ..< Int.random(in: 1...6, using: &generator) {
                    let index = Int.random(in: 0 ..< mutated.count, using: &generator)
                    mutated[index] ^= UInt8.random(in: 1 ... 255, using: &generator)
                }
            case 1: // printable replacements (keeps it JSON-like more often)
                let printable = Array("{}[]:,\"0123456789-.eE abcdFB".utf8)
                for _ in 0 ..< Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0 ..< mutated.count, using: &generator)] = printable.randomElement(using: &generator)!
                }
            case 2: // truncate the header, the data or the whole file
                let whole = withLength(header, data: data)
                feed(whole.prefix(Int.random(in: 0 ..< whole.count, using: &generator)), &outcome)
                mutated = Array(mutated.prefix(Int.random(in: 0 ... mutated.count, using: &generator)))
            case 3: // wrong header length fields
                let choices: [UInt64] = [0, 1, 7, UInt64(mutated.count) - 1, UInt64(mutated.count) + 1,
                                         UInt64(mutated.count + data.count), UInt64(mutated.count + data.count + 1),
                                         .max, .max - 7, 1 << 63, UInt64(Int.max), UInt64.random(in: 0 ... .max, using: &generator),
                                         UInt64.random(in: 0 ... 2048, using: &generator)]
                length = choices.randomElement(using: &generator)!
            case 4: // JSON-ish garbage
                mutated = Array((0 ..< Int.random(in: 0...40, using: &generator))
                    .map { _ in Self.tokens.randomElement(using: &generator)! }.joined().utf8)
            case 5: // token insertions and deletions inside the real header
                var text = String(decoding: mutated, as: UTF8.self)
                for _ in 0 ..< Int.random(in: 1...3, using: &generator) {
                    let offset = Int.random(in: 0 ... text.utf8.count, using: &generator)
                    let index = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
                    if Bool.random(using: &generator) {
                        text.insert(contentsOf: Self.tokens.randomElement(using: &generator)!, at: index)
                    } else if index < text.endIndex {
                        text.remove(at: index)
                    }
                }
                mutated = Array(text.utf8)
            case 6: // structured: valid JSON with bad values
                mutated = Array(randomHeader(&generator, dataSize: data.count).utf8)
            default: // random data size with a valid header
                data = Data((0 ..< Int.random(in: 0 ... data.count + 16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
            feed(withLength(mutated, data: data, length: length), &outcome)
        }
        XCTAssertGreaterThan(outcome.opened, 100, "the fuzz should also produce valid files")
        XCTAssertGreaterThan(outcome.rejected, 2000)
    }

    /// A syntactically valid header whose values are random, often out of range.
    private func randomHeader(_ generator: inout SeededGenerator, dataSize: Int) -> String {
        let numbers = ["0", "1", "2", "3", "4", "8", "-1", "-8", "\(dataSize)", "\(dataSize + 1)", "9223372036854775807",
                       "-9223372036854775808", "4611686018427387904", "1e300", "0.5", "4294967296", "3037000500"]
        let dtypes = ["\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"U8\"", "\"BOOL\"", "\"F8_E5M2\"", "\"XYZ\"", "1", "null", "[]"]
        func number() -> String { numbers.randomElement(using: &generator)! }
        var entries: [String] = []
        for index in 0 ..< Int.random(in: 0...4, using: &generator) {
            var fields: [String] = []
            if Int.random(in: 0..<8, using: &generator) > 0 { fields.append("\"dtype\":" + dtypes.randomElement(using: &generator)!) }
            if Int.random(in: 0..<8, using: &generator) > 0 {
                let dims = (0 ..< Int.random(in: 0...4, using: &generator)).map { _ in number() }
                fields.append("\"shape\":[" + dims.joined(separator: ",") + "]")
            }
            if Int.random(in: 0..<8, using: &generator) > 0 {
                let count = [2, 2, 2, 2, 1, 3, 0].randomElement(using: &generator)!
                fields.append("\"data_offsets\":[" + (0..<count).map { _ in number() }.joined(separator: ",") + "]")
            }
            if Bool.random(using: &generator) { fields.append("\"extra\":{\"x\":[1,2]}") }
            entries.append("\"t\(index)\":{" + fields.joined(separator: ",") + "}")
        }
        if Bool.random(using: &generator) {
            entries.append(["\"__metadata__\":{\"a\":\"b\"}", "\"__metadata__\":null", "\"__metadata__\":{\"a\":1}"].randomElement(using: &generator)!)
        }
        return "{" + entries.joined(separator: ",") + "}"
    }

    /// Some mutated files go through the file system too (memory-mapped reading).
    func testMutatedFilesOnDisk() throws {
        let directory = try TestFiles.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = try baseFile()
        var generator = SeededGenerator(seed: 7)
        var outcome = Outcome()
        for index in 0..<100 {
            var bytes = [UInt8](base)
            if index % 2 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0 ... bytes.count, using: &generator)))
            } else {
                bytes[Int.random(in: 0 ..< 64, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            let path = directory + "/\(index).safetensors"
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            do {
                let file = try SafeTensorsFile(path: path)
                _ = try? file.allTensors()
                outcome.opened += 1
            } catch let error as SafeTensorsError {
                XCTAssertEqual(error.path, path)
                XCTAssertFalse(error.description.contains("\n"))
                outcome.rejected += 1
            }
        }
        XCTAssertEqual(outcome.opened + outcome.rejected, 100)
    }
}
