import ConvoyTensor
import Foundation

/// One named tensor ready to be written to a safetensors file: dtype, shape and the elements as
/// little-endian bytes.
public struct SafeTensorsRecord: Sendable {
    /// The tensor's name in the file.
    public let name: String
    /// The element type stored.
    public let dtype: SafeTensorsDType
    /// Axis sizes, outermost first.
    public let shape: [Int]
    /// The elements, row-major, little-endian; `shape` product × `dtype.size` bytes.
    public let bytes: Data

    /// A record of raw bytes.
    ///
    /// - Precondition: `bytes.count` is the shape's element count times `dtype.size`.
    public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: Data) {
        precondition(shape.allSatisfy { $0 >= 0 }, "SafeTensorsRecord shape must be non-negative, got \(shape)")
        precondition(
            SafeTensorsFile.byteCount(shape: shape, elementSize: dtype.size) == bytes.count,
            "SafeTensorsRecord \(name): \(dtype.rawValue) \(shape) needs \(shape.reduce(dtype.size, *)) bytes, got \(bytes.count)"
        )
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A record of `tensor`'s elements stored as `dtype`: F32 exactly, F16 and BF16 rounded to
    /// nearest (ties to even), F64 exactly.
    ///
    /// - Precondition: `dtype.isWritable` (F32, F16, BF16 or F64).
    public init(name: String, tensor: Tensor, dtype: SafeTensorsDType = .f32) {
        precondition(dtype.isWritable, "SafeTensorsRecord cannot store Float tensors as \(dtype.rawValue)")
        let count = tensor.count
        let source = tensor.pointer
        var data = Data(count: count * dtype.size)
        data.withUnsafeMutableBytes { raw in
            guard count > 0 else { return }
            switch dtype {
            case .f32:
                for i in 0..<count {
                    raw.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            case .f16:
                for i in 0..<count {
                    raw.storeBytes(of: HalfPrecision.half(from: source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            case .bf16:
                for i in 0..<count {
                    raw.storeBytes(of: HalfPrecision.bfloat16(from: source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            default:
                for i in 0..<count {
                    raw.storeBytes(of: Double(source[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                }
            }
        }
        self.init(name: name, dtype: dtype, shape: tensor.shape.dims, bytes: data)
    }

    /// An F64 record of `values` (for instance frame times in seconds), with shape `shape`
    /// (by default `[values.count]`).
    ///
    /// - Precondition: the shape's element count is `values.count`.
    public init(name: String, float64 values: [Double], shape: [Int]? = nil) {
        var data = Data(count: values.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
            }
        }
        self.init(name: name, dtype: .f64, shape: shape ?? [values.count], bytes: data)
    }
}
