import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Each way a safetensors file can be wrong gives its own error, whose one-line message names
/// the file (and the tensor).
final class SafeTensorsErrorTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TestFiles.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func problem(
        _ data: Data,
        file: StaticString = #filePath,
        line: UInt = #line
    ) -> SafeTensorsError.Problem? {
        do {
            _ = try SafeTensorsFile(data: data, name: "weights.safetensors")
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch let error as SafeTensorsError {
            XCTAssertEqual(error.path, "weights.safetensors", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("weights.safetensors: "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
            return error.problem
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    private func header(_ text: String, data: Int = 16) -> Data {
        TestFiles.safetensors(header: text, data: [UInt8](repeating: 0, count: data))
    }

    func testMissingAndUnreadableFiles() throws {
        let missing = directory + "/missing.safetensors"
        XCTAssertThrowsError(try SafeTensorsFile(path: missing)) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: missing, problem: .noSuchFile))
            XCTAssertEqual("\(error)", "\(missing): no such safetensors file.")
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: directory)) { error in
            guard case .unreadable = (error as? SafeTensorsError)?.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix(directory + ": cannot read"))
        }
        let empty = directory + "/empty.safetensors"
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertThrowsError(try SafeTensorsFile(path: empty)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem, .tooShort(byteCount: 0))
            XCTAssertTrue("\(error)".hasPrefix(empty + ": not a safetensors file"))
        }
    }

    func testLengthProblems() {
        XCTAssertEqual(problem(Data([1, 2, 3, 4, 5])), .tooShort(byteCount: 5))
        XCTAssertEqual(problem(TestFiles.safetensors(header: "{}", headerLength: 3)), .headerBeyondFile(headerLength: 3, fileSize: 10))
        XCTAssertEqual(problem(TestFiles.safetensors(header: "{}", headerLength: .max)), .headerBeyondFile(headerLength: .max, fileSize: 10))
    }

    /// A header length over the limit, in a sparse file large enough to hold it.
    func testAbsurdHeaderLength() throws {
        let path = directory + "/huge.safetensors"
        let length = UInt64(SafeTensorsFile.maximumHeaderLength + 1)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: TestFiles.safetensors(header: "", headerLength: length)))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: length + 64)
        try handle.close()
        XCTAssertThrowsError(try SafeTensorsFile(path: path)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem, .headerTooLarge(headerLength: length))
            XCTAssertTrue("\(error)".hasPrefix(path + ": "))
        }
    }

    func testHeaderNotJSONOrNotObject() {
        for text in ["", "{", "not json", "{\"a\": }", "\u{FF}"] {
            guard case .headerNotJSON = problem(header(text)) else {
                return XCTFail("\(text) should not be JSON")
            }
        }
        XCTAssertEqual(problem(header("[1, 2]")), .headerNotObject)
        XCTAssertEqual(problem(header("3")), .headerNotObject)
        XCTAssertEqual(problem(header("\"text\"")), .headerNotObject)
        XCTAssertEqual(problem(header(#"{"__metadata__": {"a": 1}}"#)), .badMetadata)
        XCTAssertEqual(problem(header(#"{"__metadata__": [1]}"#)), .badMetadata)
    }

    func testEntryFieldProblems() {
        XCTAssertEqual(problem(header(#"{"w": 3}"#)), .entryNotObject(tensor: "w"))
        XCTAssertEqual(problem(header(#"{"w": {"shape": [1], "data_offsets": [0, 4]}}"#)), .missingField(tensor: "w", field: "dtype"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "data_offsets": [0, 4]}}"#)), .missingField(tensor: "w", field: "shape"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1]}}"#)), .missingField(tensor: "w", field: "data_offsets"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": 5, "shape": [1], "data_offsets": [0, 4]}}"#)),
                       .wrongFieldType(tensor: "w", field: "dtype", expected: "a string"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}}"#)),
                       .wrongFieldType(tensor: "w", field: "shape", expected: "a list of integers"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#)),
                       .wrongFieldType(tensor: "w", field: "shape", expected: "a list of integers"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 1e30]}}"#)),
                       .wrongFieldType(tensor: "w", field: "data_offsets", expected: "a list of two integers"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 18446744073709551616]}}"#)),
                       .wrongFieldType(tensor: "w", field: "data_offsets", expected: "a list of two integers"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F17", "shape": [1], "data_offsets": [0, 4]}}"#)),
                       .unknownDType(tensor: "w", dtype: "F17"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "f32", "shape": [1], "data_offsets": [0, 4]}}"#)),
                       .unknownDType(tensor: "w", dtype: "f32"))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [2, -1], "data_offsets": [0, 4]}}"#)),
                       .negativeDimension(tensor: "w", shape: [2, -1]))
    }

    func testOffsetProblems() {
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}"#)),
                       .badOffsets(tensor: "w", offsets: [-4, 0]))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}"#)),
                       .badOffsets(tensor: "w", offsets: [8, 4]))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4]}}"#)),
                       .badOffsets(tensor: "w", offsets: [4]))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}"#)),
                       .badOffsets(tensor: "w", offsets: [0, 4, 8]))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]}}"#)),
                       .offsetsBeyondData(tensor: "w", begin: 0, end: 20, dataSize: 16))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#)),
                       .byteCountMismatch(tensor: "w", dtype: .f32, shape: [3], expected: 12, actual: 8))
        XCTAssertEqual(problem(header(#"{"w": {"dtype": "F16", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}"#)),
                       .byteCountMismatch(tensor: "w", dtype: .f16, shape: [4294967296, 4294967296], expected: nil, actual: 8))
    }

    func testMessagesNameTheTensor() {
        let text = #"{"conv1.weight": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        do {
            _ = try SafeTensorsFile(data: header(text), name: "model.safetensors")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual("\(error)", "model.safetensors: tensor \"conv1.weight\": F32 [3] needs 12 bytes, but data_offsets span 8.")
        }
        // Control characters in names are escaped: the message stays on one line.
        let weird = "{\"a\\nb\": {\"dtype\": \"X\", \"shape\": [1], \"data_offsets\": [0, 4]}}"
        XCTAssertEqual(problem(header(weird)), .unknownDType(tensor: "a\nb", dtype: "X"))
    }

    func testTensorLookupAndConversionProblems() throws {
        let text = #"{"f8": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}"#
        let file = try SafeTensorsFile(data: header(text), name: "w.safetensors")
        XCTAssertThrowsError(try file.tensor(named: "nope")) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: "w.safetensors", problem: .noSuchTensor("nope")))
            XCTAssertEqual("\(error)", "w.safetensors: no tensor named \"nope\".")
        }
        XCTAssertThrowsError(try file.tensor(named: "f8")) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem, .notConvertible(tensor: "f8", dtype: .f8e4m3))
        }
        XCTAssertEqual(try file.rawBytes(named: "f8").count, 2)
    }

    func testWriterProblems() {
        let tensor = Tensor(shape: Shape(1), values: [1])
        let path = directory + "/out.safetensors"
        XCTAssertThrowsError(try SafeTensorsFile.write([(name: "a", tensor: tensor), (name: "a", tensor: tensor)], to: path)) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: path, problem: .duplicateName("a")))
        }
        XCTAssertThrowsError(try SafeTensorsFile.write(["__metadata__": tensor], to: path)) { error in
            XCTAssertEqual(error as? SafeTensorsError, SafeTensorsError(path: path, problem: .reservedName))
        }
        let unwritable = directory + "/no/such/dir/out.safetensors"
        XCTAssertThrowsError(try SafeTensorsFile.write(["a": tensor], to: unwritable)) { error in
            guard case .cannotWrite = (error as? SafeTensorsError)?.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix(unwritable + ": cannot write"))
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
