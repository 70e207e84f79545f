/// One tensor's entry in a safetensors header: its element type, its shape, and where its bytes
/// are in the data that follows the header.
public struct SafeTensorsTensorInfo: Equatable, Sendable {
    /// The tensor's name (for PyTorch state dicts, `<module>.weight`, `<module>.bias`, …).
    public let name: String
    /// The element type.
    public let dtype: SafeTensorsDType
    /// Axis sizes, outermost first (`[]` for a scalar). OIHW for convolution weights.
    public let shape: [Int]
    /// The byte range in the data section (which starts right after the header), from
    /// `data_offsets`; its length is `elementCount * dtype.size`.
    public let byteRange: Range<Int>

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}
