import ConvoyTensor
import ConvoyWeights
import Foundation
import XCTest

/// Reading files written elsewhere, and writing files that read back bit for bit.
final class SafeTensorsReadWriteTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TestFiles.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// reference.safetensors, written by generate_reference.py with numpy (not with Convoy).
    func testReadsReferenceFile() throws {
        let file = try SafeTensorsFile(path: try TestFiles.fixture("reference.safetensors"))
        XCTAssertEqual(file.names, ["bf16", "f16", "f32", "f64", "i64", "nested.name.weight", "u8"])
        XCTAssertEqual(file.metadata, ["format": "pt", "source": "generate_reference.py"])

        let f32 = try file.tensor(named: "f32")
        XCTAssertEqual(f32.shape, Shape(2, 3))
        XCTAssertEqual(f32.array.map(\.bitPattern), [Float]([0, -0.0, 1.5, -2.25, 3.0e38, Float(bitPattern: 1)]).map(\.bitPattern))

        let f16 = try file.tensor(named: "f16").array
        XCTAssertEqual(Array(f16[0..<7]), [1, -2, 0x1p-24, 0x3FFp-24, 0x1p-14, 65504, -.infinity])
        XCTAssertTrue(f16[7].isNaN)

        let bf16 = try file.tensor(named: "bf16").array
        XCTAssertEqual(bf16[0], 1)
        XCTAssertEqual(bf16[1].bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(bf16[2], 3.140625)
        XCTAssertTrue(bf16[3].isNaN)

        XCTAssertEqual(try file.tensor(named: "f64").array, [Float(0.1), Float(1.0e-40), .infinity])
        let scalar = try file.tensor(named: "i64")
        XCTAssertEqual(scalar.shape, Shape([]))
        XCTAssertEqual(scalar.array, [42])
        XCTAssertEqual(try file.tensor(named: "u8").array, [0, 255])
        XCTAssertEqual(try file.tensor(named: "nested.name.weight").shape, Shape(1, 1, 2, 2))
        XCTAssertEqual(file.info(named: "f16")?.dtype, .f16)
        XCTAssertEqual(file.info(named: "f16")?.byteRange.count, 16)
    }

    /// F32 tensors written and read back are bit-identical, including NaN payloads, infinities,
    /// signed zeros and subnormals; writing what was read gives the same bytes again.
    func testF32RoundTripIsBitIdentical() throws {
        var generator = SeededGenerator(seed: 1)
        var special: [Float] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                .greatestFiniteMagnitude, Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0xFF80_0001)]
        special += (0..<(24 - special.count)).map { _ in Float(bitPattern: UInt32.random(in: 0 ... .max, using: &generator)) }
        let tensors: [(name: String, tensor: Tensor)] = [
            ("features.0.weight", Tensor(shape: Shape(2, 3, 2, 2), values: special)),
            ("features.0.bias", Tensor(shape: Shape(2), values: generator.floats(2))),
            ("empty", Tensor(shape: Shape(0, 3))),
            ("scalar", Tensor(shape: Shape([]), values: [7])),
            ("a/b ünïcode \"quoted\"", Tensor(shape: Shape(5), values: generator.floats(5))),
        ]
        let path = directory + "/model.safetensors"
        try SafeTensorsFile.write(tensors, metadata: ["format": "pt"], to: path)

        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(Set(file.names), Set(tensors.map(\.name)))
        for (name, tensor) in tensors {
            let read = try file.tensor(named: name)
            XCTAssertEqual(read.shape, tensor.shape, name)
            XCTAssertEqual(read.array.map(\.bitPattern), tensor.array.map(\.bitPattern), name)
            XCTAssertEqual(file.info(named: name)?.dtype, .f32)
        }

        // The header is padded so the data starts 8-byte aligned, and is sorted, compact JSON.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertTrue(String(decoding: bytes[8..<16], as: UTF8.self).hasPrefix("{\"__meta"))

        // Again, from what was read: the same bytes.
        let again = directory + "/again.safetensors"
        try SafeTensorsFile.write(tensors.map { (name: $0.name, tensor: try file.tensor(named: $0.name)) },
                                  metadata: file.metadata, to: again)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), bytes)
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["again.safetensors", "model.safetensors"])
    }

    /// The dictionary form writes tensors sorted by name, so the same dictionary gives the same file.
    func testDictionaryWriteIsDeterministic() throws {
        var generator = SeededGenerator(seed: 2)
        let tensors = Dictionary(uniqueKeysWithValues: (0..<10).map {
            ("t\($0)", Tensor(shape: Shape(3), values: generator.floats(3)))
        })
        try SafeTensorsFile.write(tensors, to: directory + "/a.safetensors")
        try SafeTensorsFile.write(tensors, to: directory + "/b.safetensors")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory + "/a.safetensors")),
                       try Data(contentsOf: URL(fileURLWithPath: directory + "/b.safetensors")))
        let file = try SafeTensorsFile(path: directory + "/a.safetensors")
        XCTAssertEqual(file.tensors.sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }.map(\.name),
                       tensors.keys.sorted())
    }

    /// F16 and BF16 files hold exactly the rounded values: representable values come back
    /// unchanged, others as `HalfPrecision` rounds them.
    func testHalfPrecisionFilesRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        let exactHalf: [Float] = [0, -0.0, 1, -2, 0x1p-24, 0x3FFp-24, 0x1p-14, 65504, -65504, .infinity, -.infinity, 0.333251953125]
        let random = generator.floats(20).map { $0 * 1000 }
        let values = exactHalf + random
        let tensor = Tensor(shape: Shape(values.count), values: values)
        for dtype in [SafeTensorsDType.f16, .bf16, .f64] {
            let path = directory + "/\(dtype.rawValue).safetensors"
            try SafeTensorsFile.write([(name: "x", tensor: tensor)], dtype: dtype, to: path)
            let file = try SafeTensorsFile(path: path)
            XCTAssertEqual(file.info(named: "x")?.dtype, dtype)
            let read = try file.tensor(named: "x").array
            for (index, value) in values.enumerated() {
                let expected: Float
                switch dtype {
                case .f16: expected = HalfPrecision.float(fromHalf: HalfPrecision.half(from: value))
                case .bf16: expected = HalfPrecision.float(fromBFloat16: HalfPrecision.bfloat16(from: value))
                default: expected = value
                }
                XCTAssertEqual(read[index].bitPattern, expected.bitPattern, "\(dtype.rawValue) value \(value)")
                if dtype == .f16 && index < exactHalf.count {
                    XCTAssertEqual(read[index].bitPattern, value.bitPattern, "F16 keeps representable \(value)")
                }
            }
            XCTAssertEqual(try file.rawBytes(named: "x").count, values.count * dtype.size)
        }
        let nan = Tensor(shape: Shape(1), values: [.nan])
        for dtype in [SafeTensorsDType.f16, .bf16] {
            let path = directory + "/nan-\(dtype.rawValue).safetensors"
            try SafeTensorsFile.write([(name: "nan", tensor: nan)], dtype: dtype, to: path)
            XCTAssertTrue(try SafeTensorsFile(path: path).tensor(named: "nan").array[0].isNaN)
        }
    }

    /// F64 records (frame times) keep full double precision in the file.
    func testFloat64Records() throws {
        let times = [0, 1.0 / 30, 1e-300, 12345.678901234]
        let data = try SafeTensorsFile.encode([SafeTensorsRecord(name: "pts", float64: times)], metadata: nil)
        let file = try SafeTensorsFile(data: data, name: "memory")
        let raw = try file.rawBytes(named: "pts")
        let decoded = (0..<times.count).map { index in
            raw.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))) }
        }
        XCTAssertEqual(decoded, times)
        XCTAssertEqual(file.info(named: "pts")?.shape, [4])
    }

    /// Files whose tensors overlap or leave gaps are accepted (the offsets are still checked).
    func testOverlappingTensorsAreAccepted() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        var data: [UInt8] = []
        for value in [Float(1), 2, 99] {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        let file = try SafeTensorsFile(data: TestFiles.safetensors(header: header, data: data), name: "overlap")
        XCTAssertEqual(try file.tensor(named: "a").array, [1, 2])
        XCTAssertEqual(try file.tensor(named: "b").array, [2])
    }

    /// The reader accepts in-memory data that is a slice of a larger buffer.
    func testReadsFromDataSlice() throws {
        let encoded = try SafeTensorsFile.encode([SafeTensorsRecord(name: "x", tensor: Tensor(shape: Shape(2), values: [3, 4]))])
        let padded = Data([1, 2, 3]) + encoded + Data([9])
        let slice = padded[3 ..< 3 + encoded.count]
        XCTAssertEqual(try SafeTensorsFile(data: slice, name: "slice").tensor(named: "x").array, [3, 4])
    }
}
