import ConvoyFiles
import ConvoyTensor
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeTensorsFile {
    /// The bytes of a safetensors file holding `records`, their data laid out in the order given.
    ///
    /// The header is written with `JSONEncoder` with sorted keys, and padded with spaces to a
    /// multiple of 8 bytes so that the data starts 8-byte aligned. The same records always give
    /// the same bytes.
    ///
    /// - Throws: `SafeTensorsError` (named `name`) when two records share a name or one is
    ///   called `__metadata__`.
    public static func encode(_ records: [SafeTensorsRecord], metadata: [String: String]? = nil, name: String = "safetensors data") throws -> Data {
        var entries: [String: SafeTensorsHeader.Entry] = [:]
        var offset = 0
        for record in records {
            guard record.name != SafeTensorsHeader.metadataKey else {
                throw SafeTensorsError(path: name, problem: .reservedName)
            }
            guard entries[record.name] == nil else {
                throw SafeTensorsError(path: name, problem: .duplicateName(record.name))
            }
            entries[record.name] = SafeTensorsHeader.Entry(
                dtype: record.dtype, shape: record.shape, begin: offset, end: offset + record.bytes.count
            )
            offset += record.bytes.count
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var header: Data
        do {
            header = try encoder.encode(SafeTensorsHeader(entries: entries, metadata: metadata))
        } catch {
            throw SafeTensorsError(path: name, problem: .cannotWrite(String(describing: error)))
        }
        let padding = (8 - header.count % 8) % 8
        header.append(contentsOf: [UInt8](repeating: 0x20, count: padding))

        var file = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        for record in records {
            file.append(record.bytes)
        }
        return file
    }

    /// Writes `records` (with optional `metadata`) to a safetensors file at `path`.
    ///
    /// The file is written beside `path` under a temporary name (a `StagedFile`, removed on
    /// failure and on abort) and then renamed over `path`, so readers never see half a file.
    ///
    /// - Throws: `SafeTensorsError` naming `path` for duplicate or reserved names and for
    ///   failures to write.
    public static func write(_ records: [SafeTensorsRecord], metadata: [String: String]? = nil, to path: String) throws {
        let data = try encode(records, metadata: metadata, name: path)
        do {
            let file = try StagedFile.create(target: path)
            try file.write(data)
            try file.commit()
        } catch let error as FileError {
            throw SafeTensorsError(path: path, problem: .cannotWrite(error.reason))
        }
    }

    /// Writes named tensors, in the order given, as `dtype` (F32 by default; F16 and BF16 round
    /// to nearest, ties to even).
    ///
    /// - Precondition: `dtype.isWritable`.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)],
        dtype: SafeTensorsDType = .f32,
        metadata: [String: String]? = nil,
        to path: String
    ) throws {
        try write(tensors.map { SafeTensorsRecord(name: $0.name, tensor: $0.tensor, dtype: dtype) }, metadata: metadata, to: path)
    }

    /// Writes named tensors, sorted by name, as `dtype` (F32 by default).
    ///
    /// - Precondition: `dtype.isWritable`.
    public static func write(
        _ tensors: [String: Tensor],
        dtype: SafeTensorsDType = .f32,
        metadata: [String: String]? = nil,
        to path: String
    ) throws {
        let ordered = tensors.sorted { $0.key < $1.key }.map { (name: $0.key, tensor: $0.value) }
        try write(ordered, dtype: dtype, metadata: metadata, to: path)
    }
}
