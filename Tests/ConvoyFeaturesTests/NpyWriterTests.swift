import ConvoyFeatures
import Foundation
import XCTest

/// `.npy` files as NumPy reads them (`numpy.load` in python3 is the reference), including the
/// long item shapes FuzzNpy found the writer trapping on (Fuzz/Regressions/FuzzNpy).
final class NpyWriterTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// numpy's view of `path`: its shape and its data as little-endian float32 hex. With
    /// `headerOnly`, numpy's header reader alone (numpy refuses to make arrays whose dimensions
    /// multiply past its limit, even empty ones).
    private func numpyLoad(_ path: String, headerOnly: Bool = false) throws -> (shape: String, hex: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let load = "a = numpy.load(sys.argv[1]); assert a.dtype == numpy.dtype('<f4'), a.dtype; print(list(a.shape)); print(a.tobytes().hex())"
        let header = "f = open(sys.argv[1], 'rb'); assert numpy.lib.format.read_magic(f) == (1, 0); "
            + "shape, fortran, dtype = numpy.lib.format.read_array_header_1_0(f); assert dtype == numpy.dtype('<f4') and not fortran; "
            + "assert f.tell() % 64 == 0; print(list(shape))"
        process.arguments = ["python3", "-c", "import numpy, sys; " + (headerOnly ? header : load), path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if problem.contains("No module named 'numpy'") { throw XCTSkip("python3 has no numpy") }
        XCTAssertEqual(process.terminationStatus, 0, problem)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (lines.first ?? "", lines.count > 1 ? lines[1] : "")
    }

    private func write(_ itemShape: [Int], frames: [[Float]]) throws -> String {
        let path = folder.appendingPathComponent("f.npy").path
        let writer = try NpyWriter(path: path, itemShape: itemShape)
        for frame in frames { try frame.withUnsafeBufferPointer { try writer.append($0.baseAddress ?? UnsafePointer(bitPattern: 16)!) } }
        try writer.finish()
        return path
    }

    func testFramesOfAVectorReadBackAsNumPyHasThem() throws {
        let frames: [[Float]] = [[1, -2.5, 3], [0.125, .infinity, -0]]
        let (shape, hex) = try numpyLoad(try write([3], frames: frames))
        XCTAssertEqual(shape, "[2, 3]")
        XCTAssertEqual(hex, frames.joined().map { String(format: "%08x", $0.bitPattern.byteSwapped) }.joined())
        let header = try Data(contentsOf: URL(fileURLWithPath: folder.appendingPathComponent("f.npy").path)).prefix(10)
        XCTAssertEqual(Int(header[8]) | Int(header[9]) << 8, 118, "the usual 128-byte header")
    }

    /// FuzzNpy's finding: an item shape whose header text passed 128 bytes hit a precondition;
    /// the header now grows in 64-byte steps, with room for any frame count.
    func testLongItemShapesGetALongerHeader() throws {
        let long = [2_147_483_647, 150_994_943, 2_147_450_879, 2_130_772_225, 5, 1, 2_147_483_647, 1]
        XCTAssertEqual(try numpyLoad(try write(long, frames: []), headerOnly: true).shape,
                       "[0, " + long.map(String.init).joined(separator: ", ") + "]")
        let ones = Array(repeating: 1, count: 30) + [2]
        let frames: [[Float]] = [[1.5, -2], [0.25, 8]]
        let (shape, hex) = try numpyLoad(try write(ones, frames: frames))
        XCTAssertEqual(shape, "[2, " + ones.map(String.init).joined(separator: ", ") + "]")
        XCTAssertEqual(hex, frames.joined().map { String(format: "%08x", $0.bitPattern.byteSwapped) }.joined())
        // …and an empty item whose other dimensions multiply past Int.max trapped on overflow.
        let empty = [2_147_483_647, 2_147_483_647, 2_147_483_647, 0]
        XCTAssertEqual(try numpyLoad(try write(empty, frames: [[], []]), headerOnly: true).shape, "[2, 2147483647, 2147483647, 2147483647, 0]")
    }
}
