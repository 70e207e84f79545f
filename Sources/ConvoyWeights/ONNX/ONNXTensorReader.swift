import ConvoyTensor
import Foundation

/// Turns ONNX `TensorProto`s into `ONNXConstant`s, reading the bytes from wherever the file keeps
/// them, in ONNX's order of precedence: `raw_data` (little-endian), external data
/// (`data_location: EXTERNAL`: `location`, `offset`, `length` in a file beside the model), then
/// the typed fields — `float_data`; `int32_data` (INT32 and narrower integers, BOOL, and the bits of
/// FLOAT16 and BFLOAT16 in the low 16 bits); `int64_data`; `double_data`; `uint64_data`.
///
/// Element types read: FLOAT, FLOAT16, BFLOAT16, DOUBLE (as Float32), and INT8/16/32/64, UINT8/16/
/// 32/64, BOOL (as integers). Every problem — an unknown type, a negative or overflowing dimension,
/// a count that does not match the shape, an external file that is missing, short or outside the
/// model's folder — throws an `ONNXIssue` naming the tensor.
struct ONNXTensorReader {
    /// The folder external data paths are relative to (the model file's).
    let directory: String
    /// Tensors larger than this many elements are refused (a corrupt dimension, not a model).
    static let maximumElements = 1 << 31

    /// Reads `proto`; `role` says what it is in messages (`initializer "w"`, `attribute value of node "c"`).
    func constant(_ proto: ONNXTensorProto, role: String) throws -> ONNXConstant {
        var count = 1
        for dim in proto.dims {
            guard dim >= 0 else {
                throw ONNXIssue("\(role) has a negative dimension (\(proto.dims))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(clamping: dim))
            guard !overflow, product <= Self.maximumElements else {
                throw ONNXIssue("\(role) has an impossible shape \(proto.dims)")
            }
            count = product
        }
        let dims = proto.dims.map { Int($0) }
        guard let type = ElementType(rawValue: proto.dataType) else {
            throw ONNXIssue("\(role) has data type \(proto.dataType), which Convoy does not read (FLOAT, FLOAT16, BFLOAT16, DOUBLE and integers only)")
        }

        if proto.hasRawData || proto.dataLocation == .external {
            let bytes: Data
            if proto.dataLocation == .external {
                bytes = try externalBytes(proto, count: count, size: type.byteSize, role: role)
            } else {
                bytes = proto.rawData
            }
            guard bytes.count == count * type.byteSize else {
                throw ONNXIssue("\(role) holds \(bytes.count) bytes of data; its shape \(dims) and type need \(count * type.byteSize)")
            }
            return ONNXConstant(dims: dims, values: type.decode(bytes, count: count))
        }

        let values: ONNXConstant.Values
        let found: Int
        switch type {
        case .float:
            values = .floats(proto.floatData)
            found = proto.floatData.count
        case .double:
            values = .floats(proto.doubleData.map { Float($0) })
            found = proto.doubleData.count
        case .float16:
            values = .floats(proto.int32Data.map { HalfPrecision.float(fromHalf: UInt16(truncatingIfNeeded: $0)) })
            found = proto.int32Data.count
        case .bfloat16:
            values = .floats(proto.int32Data.map { HalfPrecision.float(fromBFloat16: UInt16(truncatingIfNeeded: $0)) })
            found = proto.int32Data.count
        case .int64:
            values = .integers(proto.int64Data)
            found = proto.int64Data.count
        case .uint32, .uint64:
            values = .integers(proto.uint64Data.map { Int64(truncatingIfNeeded: $0) })
            found = proto.uint64Data.count
        case .int8, .uint8, .int16, .uint16, .int32, .bool:
            values = .integers(proto.int32Data.map { Int64($0) })
            found = proto.int32Data.count
        }
        guard found == count else {
            throw ONNXIssue("\(role) holds \(found) values; its shape \(dims) needs \(count)")
        }
        return ONNXConstant(dims: dims, values: values)
    }

    /// The bytes an external tensor names, checked against the size its shape needs.
    private func externalBytes(_ proto: ONNXTensorProto, count: Int, size: Int, role: String) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData {
            entries[entry.key] = entry.value
        }
        guard let location = entries["location"], !location.isEmpty else {
            throw ONNXIssue("\(role) keeps its data in an external file but names none (no \"location\")")
        }
        let components = location.split(separator: "/", omittingEmptySubsequences: true)
        guard !location.hasPrefix("/"), !components.contains(".."), !location.contains("\\"), !location.contains("\0") else {
            throw ONNXIssue("\(role) names the external data file \(MessageText.quote(location)), which is outside the model's folder")
        }
        func number(_ key: String) throws -> Int? {
            guard let text = entries[key] else { return nil }
            guard let value = Int(text), value >= 0 else {
                throw ONNXIssue("\(role): external data \(key) \(MessageText.quote(text)) is not a byte count")
            }
            return value
        }
        let offset = try number("offset") ?? 0
        let needed = count * size
        let length = try number("length") ?? needed
        guard length == needed else {
            throw ONNXIssue("\(role) says its external data is \(length) bytes; its shape and type need \(needed)")
        }
        let path = directory.isEmpty ? location : directory + "/" + location
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ONNXIssue("\(role): the external data file \(path) is missing or unreadable")
        }
        defer { try? handle.close() }
        let fileSize = (try? handle.seekToEnd()) ?? 0
        guard UInt64(offset) + UInt64(needed) <= fileSize else {
            throw ONNXIssue("\(role): the external data file \(path) holds \(fileSize) bytes, too short for \(needed) bytes at offset \(offset)")
        }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: needed) ?? Data()
            return data
        } catch {
            throw ONNXIssue("\(role): cannot read the external data file \(path) (\(error.localizedDescription))")
        }
    }

    /// The element types Convoy reads, by `TensorProto.DataType` number.
    enum ElementType: Int32 {
        case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9
        case float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

        /// Bytes per element in `raw_data`.
        var byteSize: Int {
            switch self {
            case .uint8, .int8, .bool: return 1
            case .uint16, .int16, .float16, .bfloat16: return 2
            case .float, .int32, .uint32: return 4
            case .int64, .double, .uint64: return 8
            }
        }

        /// `count` little-endian elements of this type from `bytes` (exactly `count * byteSize`).
        func decode(_ bytes: Data, count: Int) -> ONNXConstant.Values {
            bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> ONNXConstant.Values in
                func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
                    T(littleEndian: raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
                }
                switch self {
                case .float: return .floats((0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
                case .double: return .floats((0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
                case .float16: return .floats((0..<count).map { HalfPrecision.float(fromHalf: load(UInt16.self, $0)) })
                case .bfloat16: return .floats((0..<count).map { HalfPrecision.float(fromBFloat16: load(UInt16.self, $0)) })
                case .uint8, .bool: return .integers((0..<count).map { Int64(load(UInt8.self, $0)) })
                case .int8: return .integers((0..<count).map { Int64(load(Int8.self, $0)) })
                case .uint16: return .integers((0..<count).map { Int64(load(UInt16.self, $0)) })
                case .int16: return .integers((0..<count).map { Int64(load(Int16.self, $0)) })
                case .int32: return .integers((0..<count).map { Int64(load(Int32.self, $0)) })
                case .uint32: return .integers((0..<count).map { Int64(load(UInt32.self, $0)) })
                case .int64: return .integers((0..<count).map { load(Int64.self, $0) })
                case .uint64: return .integers((0..<count).map { Int64(truncatingIfNeeded: load(UInt64.self, $0)) })
                }
            }
        }
    }
}
