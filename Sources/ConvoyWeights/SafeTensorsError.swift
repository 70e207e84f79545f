import ConvoyTensor
/// A safetensors file could not be read or written. The description is one line that names the
/// file and, when it is about one tensor, the tensor.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// The file does not exist.
        case noSuchFile
        /// The file exists but cannot be read (or is a directory); the system's reason.
        case unreadable(String)
        /// The file is shorter than the 8-byte header length.
        case tooShort(byteCount: Int)
        /// The header length (first 8 bytes, little-endian) reaches past the end of the file.
        case headerBeyondFile(headerLength: UInt64, fileSize: Int)
        /// The header length exceeds `SafeTensorsFile.maximumHeaderLength`.
        case headerTooLarge(headerLength: UInt64)
        /// The header is not valid JSON (UTF-8); the parser's complaint.
        case headerNotJSON(String)
        /// The header is JSON but not an object.
        case headerNotObject
        /// `__metadata__` is not an object whose values are all strings.
        case badMetadata
        /// A tensor entry is not an object.
        case entryNotObject(tensor: String)
        /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
        case missingField(tensor: String, field: String)
        /// A tensor entry's field has the wrong JSON type; `expected` says what it must be.
        case wrongFieldType(tensor: String, field: String, expected: String)
        /// The dtype is not one safetensors defines.
        case unknownDType(tensor: String, dtype: String)
        /// A shape entry is negative.
        case negativeDimension(tensor: String, shape: [Int])
        /// `data_offsets` is not `[begin, end]` with `0 <= begin <= end`.
        case badOffsets(tensor: String, offsets: [Int])
        /// `data_offsets` reaches past the end of the data.
        case offsetsBeyondData(tensor: String, begin: Int, end: Int, dataSize: Int)
        /// `end - begin` differs from the element count times the dtype size (`expected` is nil
        /// when that product overflows).
        case byteCountMismatch(tensor: String, dtype: SafeTensorsDType, shape: [Int], expected: Int?, actual: Int)
        /// No tensor of that name in the file.
        case noSuchTensor(String)
        /// The tensor's dtype cannot be converted to `Float` (the 8-bit float types).
        case notConvertible(tensor: String, dtype: SafeTensorsDType)
        /// The tensor, converted to `Float`, would not fit `MemoryLimit` (`bytes` nil: more than
        /// can be counted).
        case tooLargeForMemory(tensor: String, shape: [Int], bytes: Int?)
        /// Two tensors given to a writer have the same name.
        case duplicateName(String)
        /// `__metadata__` cannot be a tensor name.
        case reservedName
        /// Writing failed; the system's reason.
        case cannotWrite(String)
    }

    /// The file, as the caller named it (or the name given to in-memory data).
    public let path: String
    /// What is wrong.
    public let problem: Problem

    /// An error about the file at `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// `<path>: <what is wrong>`, on one line.
    public var description: String {
        "\(path): \(problemText)"
    }

    private var problemText: String {
        let q = { MessageText.quote($0) }
        switch problem {
        case .noSuchFile:
            return "no such safetensors file."
        case .unreadable(let reason):
            return "cannot read the safetensors file (\(MessageText.firstLine(reason)))."
        case .tooShort(let byteCount):
            return "not a safetensors file: \(byteCount) bytes, shorter than the 8-byte header length."
        case .headerBeyondFile(let length, let fileSize):
            return "not a safetensors file: the header length \(length) reaches past the end of the file (\(fileSize) bytes)."
        case .headerTooLarge(let length):
            return "not a safetensors file: the header length \(length) exceeds the limit of \(SafeTensorsFile.maximumHeaderLength) bytes."
        case .headerNotJSON(let reason):
            return "the safetensors header is not valid JSON (\(MessageText.firstLine(reason)))."
        case .headerNotObject:
            return "the safetensors header is not a JSON object."
        case .badMetadata:
            return "the safetensors \"__metadata__\" must be an object of strings."
        case .entryNotObject(let tensor):
            return "tensor \(q(tensor)): the header entry is not an object."
        case .missingField(let tensor, let field):
            return "tensor \(q(tensor)): the header entry has no \"\(field)\"."
        case .wrongFieldType(let tensor, let field, let expected):
            return "tensor \(q(tensor)): \"\(field)\" must be \(expected)."
        case .unknownDType(let tensor, let dtype):
            return "tensor \(q(tensor)): unknown dtype \(q(dtype)) (known: \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))."
        case .negativeDimension(let tensor, let shape):
            return "tensor \(q(tensor)): shape \(MessageText.dims(shape)) has a negative dimension."
        case .badOffsets(let tensor, let offsets):
            return "tensor \(q(tensor)): data_offsets \(MessageText.dims(offsets)) must be [begin, end] with 0 <= begin <= end."
        case .offsetsBeyondData(let tensor, let begin, let end, let dataSize):
            return "tensor \(q(tensor)): data_offsets [\(begin), \(end)] reach past the end of the data (\(dataSize) bytes)."
        case .byteCountMismatch(let tensor, let dtype, let shape, let expected, let actual):
            let need = expected.map { "needs \($0) bytes" } ?? "needs more bytes than can be counted"
            return "tensor \(q(tensor)): \(dtype.rawValue) \(MessageText.dims(shape)) \(need), but data_offsets span \(actual)."
        case .noSuchTensor(let name):
            return "no tensor named \(q(name))."
        case .notConvertible(let tensor, let dtype):
            return "tensor \(q(tensor)): dtype \(dtype.rawValue) cannot be converted to F32."
        case .tooLargeForMemory(let tensor, let shape, let bytes):
            return "tensor \(q(tensor)): \(MessageText.dims(shape)) as F32 would \(MemoryLimit.excess(bytes) ?? "not fit in memory")."
        case .duplicateName(let name):
            return "two tensors are named \(q(name))."
        case .reservedName:
            return "\"__metadata__\" cannot name a tensor."
        case .cannotWrite(let reason):
            return "cannot write the safetensors file (\(MessageText.firstLine(reason)))."
        }
    }
}
