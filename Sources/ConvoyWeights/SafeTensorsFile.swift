import ConvoyTensor
import Foundation

/// A safetensors file, read and checked: the named tensors it holds and its metadata.
///
/// Layout (<https://github.com/huggingface/safetensors>):
///
/// 1. 8 bytes: `N`, the header length, an unsigned little-endian integer;
/// 2. `N` bytes: a UTF-8 JSON object mapping each tensor name to
///    `{"dtype": "F32", "shape": [O, I, kH, kW], "data_offsets": [begin, end]}`, and optionally
///    `"__metadata__"` to an object of strings; writers pad it with spaces;
/// 3. the data: each tensor's elements, row-major, little-endian, at
///    `begin ..< end` counted from the first byte after the header.
///
/// Opening checks the whole header — every entry's fields, dtype, shape, and that its offsets lie
/// inside the data and span exactly `elements × dtype size` bytes — and throws a
/// `SafeTensorsError` naming the file and the tensor for the first problem. Tensors may overlap
/// and need not cover the data. The elements are only converted when asked for
/// (`tensor(named:)`); a file on disk is memory-mapped, not read whole.
public struct SafeTensorsFile: Sendable {
    /// Headers longer than this (100 MB, the reference implementation's limit) are rejected.
    public static let maximumHeaderLength = 100_000_000

    /// The file's path, or the name given to in-memory data; used in error messages.
    public let path: String
    /// `__metadata__`, when the header has it.
    public let metadata: [String: String]?
    /// Every tensor's header entry, sorted by name.
    public let tensors: [SafeTensorsTensorInfo]

    private let bytes: Data
    private let dataStart: Int
    private let indexByName: [String: Int]

    /// Opens and checks the safetensors file at `path` (memory-mapped).
    ///
    /// - Throws: `SafeTensorsError` when the file is missing or unreadable, or its header is
    ///   malformed (see the type's description).
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError(path: path, problem: .noSuchFile)
        }
        if isDirectory.boolValue {
            throw SafeTensorsError(path: path, problem: .unreadable("it is a directory"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(path: path, problem: .unreadable(error.localizedDescription))
        }
        try self.init(data: data, name: path)
    }

    /// Reads and checks a safetensors file held in memory; `name` stands for it in messages.
    public init(data: Data, name: String) throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(path: name, problem: problem)
        }
        let size = data.count
        guard size >= 8 else {
            throw fail(.tooShort(byteCount: size))
        }
        let headerLength = data.withUnsafeBytes { raw in
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        }
        guard headerLength <= UInt64(size - 8) else {
            throw fail(.headerBeyondFile(headerLength: headerLength, fileSize: size))
        }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw fail(.headerTooLarge(headerLength: headerLength))
        }
        let headerStart = data.startIndex + 8
        let headerBytes = data[headerStart ..< headerStart + Int(headerLength)]
        let header: SafeTensorsHeader
        do {
            header = try JSONDecoder().decode(SafeTensorsHeader.self, from: headerBytes)
        } catch let error as SafeTensorsError {
            throw fail(error.problem)
        } catch let DecodingError.dataCorrupted(context) {
            let reason = context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
            throw fail(.headerNotJSON(Self.shortReason(reason)))
        } catch {
            throw fail(.headerNotJSON(Self.shortReason(String(describing: error))))
        }

        let dataSize = size - 8 - Int(headerLength)
        var infos: [SafeTensorsTensorInfo] = []
        infos.reserveCapacity(header.entries.count)
        for (tensorName, entry) in header.entries.sorted(by: { $0.key < $1.key }) {
            guard entry.shape.allSatisfy({ $0 >= 0 }) else {
                throw fail(.negativeDimension(tensor: tensorName, shape: entry.shape))
            }
            guard entry.end <= dataSize else {
                throw fail(.offsetsBeyondData(tensor: tensorName, begin: entry.begin, end: entry.end, dataSize: dataSize))
            }
            let expected = Self.byteCount(shape: entry.shape, elementSize: entry.dtype.size)
            guard expected == entry.end - entry.begin else {
                throw fail(.byteCountMismatch(
                    tensor: tensorName, dtype: entry.dtype, shape: entry.shape,
                    expected: expected, actual: entry.end - entry.begin
                ))
            }
            infos.append(SafeTensorsTensorInfo(
                name: tensorName, dtype: entry.dtype, shape: entry.shape, byteRange: entry.begin ..< entry.end
            ))
        }
        path = name
        metadata = header.metadata
        tensors = infos
        bytes = data
        dataStart = 8 + Int(headerLength)
        indexByName = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($1.name, $0) })
    }

    /// The tensor names, sorted.
    public var names: [String] { tensors.map(\.name) }

    /// The header entry of the tensor called `name`, or `nil`.
    public func info(named name: String) -> SafeTensorsTensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// The tensor called `name`, converted to `Float` (see `SafeTensorsDType`), with its shape
    /// (`[]` for a scalar). The result has its own storage.
    ///
    /// - Throws: `SafeTensorsError` when there is no such tensor, its dtype cannot be converted,
    ///   or its floats would not fit `MemoryLimit`.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = info(named: name) else {
            throw SafeTensorsError(path: path, problem: .noSuchTensor(name))
        }
        guard info.dtype.isConvertibleToFloat else {
            throw SafeTensorsError(path: path, problem: .notConvertible(tensor: name, dtype: info.dtype))
        }
        let count = info.elementCount
        let needed = MemoryLimit.product(count, MemoryLayout<Float>.size)
        if MemoryLimit.excess(needed) != nil {
            // The data lies in the file (checked at open), but a sparse file can claim terabytes.
            throw SafeTensorsError(path: path, problem: .tooLargeForMemory(tensor: name, shape: info.shape, bytes: needed))
        }
        let tensor = Tensor(shape: Shape(info.shape))
        bytes.withUnsafeBytes { raw in
            guard count > 0, let base = raw.baseAddress else { return }
            let source = UnsafeRawBufferPointer(start: base + dataStart + info.byteRange.lowerBound, count: info.byteRange.count)
            Self.convert(source, dtype: info.dtype, count: count, into: tensor.pointer)
        }
        return tensor
    }

    /// The raw little-endian bytes of the tensor called `name`, as stored.
    public func rawBytes(named name: String) throws -> Data {
        guard let info = info(named: name) else {
            throw SafeTensorsError(path: path, problem: .noSuchTensor(name))
        }
        let start = bytes.startIndex + dataStart + info.byteRange.lowerBound
        return Data(bytes[start ..< start + info.byteRange.count])
    }

    /// Every tensor, converted to `Float`, by name.
    ///
    /// - Throws: `SafeTensorsError` for the first tensor whose dtype cannot be converted.
    public func allTensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for info in tensors {
            result[info.name] = try tensor(named: info.name)
        }
        return result
    }

    /// `product(shape) * elementSize`, or `nil` when it overflows `Int`.
    static func byteCount(shape: [Int], elementSize: Int) -> Int? {
        var total = elementSize
        for dimension in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow {
                return nil
            }
            total = product
        }
        return total
    }

    private static func shortReason(_ text: String) -> String {
        let line = MessageText.firstLine(text)
        return line.count > 160 ? String(line.prefix(160)) + "…" : line
    }

    /// Converts `count` little-endian elements of `dtype` from `source` to `Float`s.
    private static func convert(
        _ source: UnsafeRawBufferPointer,
        dtype: SafeTensorsDType,
        count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        func each<T: FixedWidthInteger>(_: T.Type, _ transform: (T) -> Float) {
            for i in 0..<count {
                destination[i] = transform(T(littleEndian: source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)))
            }
        }
        switch dtype {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(destination).copyMemory(from: source.baseAddress!, byteCount: count * 4)
            #else
            each(UInt32.self) { Float(bitPattern: $0) }
            #endif
        case .f16: each(UInt16.self) { HalfPrecision.float(fromHalf: $0) }
        case .bf16: each(UInt16.self) { HalfPrecision.float(fromBFloat16: $0) }
        case .f64: each(UInt64.self) { Float(Double(bitPattern: $0)) }
        case .bool: each(UInt8.self) { $0 == 0 ? 0 : 1 }
        case .u8: each(UInt8.self) { Float($0) }
        case .i8: each(Int8.self) { Float($0) }
        case .u16: each(UInt16.self) { Float($0) }
        case .i16: each(Int16.self) { Float($0) }
        case .u32: each(UInt32.self) { Float($0) }
        case .i32: each(Int32.self) { Float($0) }
        case .u64: each(UInt64.self) { Float($0) }
        case .i64: each(Int64.self) { Float($0) }
        case .f8e4m3, .f8e5m2:
            preconditionFailure("\(dtype.rawValue) is not convertible; checked by the caller")
        }
    }
}
