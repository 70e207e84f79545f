import ConvoyFiles
import Foundation

/// Streams a float32 array of shape `[frames, …item]` to a `.npy` file (NumPy format 1.0) one
/// frame at a time, then fixes the frame count in the header at the end.
///
/// The header is written first with room for any count (padded to a multiple of 64 bytes: 128
/// for every shape a model gives, more for a long one), the data follows,
/// and `finish()` rewrites the shape and renames the temporary file onto the target, so
/// `numpy.load` reads the result and a failed run leaves nothing behind.
public final class NpyWriter {
    public let path: String
    /// The shape of one frame's array (e.g. `[C, H, W]` or `[C]`).
    public let itemShape: [Int]
    private let file: StagedFile
    private var frames = 0
    /// The header's length, magic included: room for the item shape after any frame count.
    private let headerLength: Int
    /// Floats per frame; nil when the item shape's product overflows (no frame can be appended).
    private let itemCount: Int?

    /// Creates the temporary file beside `path`.
    public init(path: String, itemShape: [Int]) throws {
        self.path = path
        self.itemShape = itemShape
        headerLength = NpyWriter.headerLength(itemShape: itemShape)
        itemCount = itemShape.contains(0) ? 0 : itemShape.reduce(Int?(1)) { product, dimension in
            product.flatMap { product in
                let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
                return overflow ? nil : result
            }
        }
        file = try StagedFile.create(target: path)
        try file.write(NpyWriter.header(shape: [0] + itemShape, length: headerLength))
    }

    /// Frames written so far.
    public var count: Int { frames }

    /// Appends one frame: `itemShape`'s element count of floats from `values`.
    public func append(_ values: UnsafePointer<Float>) throws {
        guard let count = itemCount else { preconditionFailure("a frame of shape \(itemShape) cannot be held in memory") }
        try file.write(Data(bytes: values, count: count * MemoryLayout<Float>.size))
        frames += 1
    }

    /// Writes the final shape into the header and renames the file onto the target.
    public func finish() throws {
        try file.seek(to: 0)
        try file.write(NpyWriter.header(shape: [frames] + itemShape, length: headerLength))
        try file.commit()
    }

    /// Leaves the target untouched and removes the temporary file.
    public func discard() {
        file.discard()
    }

    /// The header dictionary for `shape`, unpadded.
    private static func dictionary(shape: [Int]) -> String {
        let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        return "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
    }

    /// The smallest multiple of 64 bytes (at least 128) that holds the magic, version, length and
    /// the dictionary of `itemShape` after the longest frame count, with its newline.
    static func headerLength(itemShape: [Int]) -> Int {
        let needed = 10 + dictionary(shape: [Int.max] + itemShape).utf8.count + 1
        return max(128, (needed + 63) / 64 * 64)
    }

    /// The header `NpyWriter` writes for a file of `shape` (`[frames] + itemShape`).
    static func header(shape: [Int]) -> Data {
        header(shape: shape, length: headerLength(itemShape: Array(shape.dropFirst())))
    }

    /// The magic, version 1.0, header length and the header dictionary, space-padded to `length`
    /// bytes in all, ending in a newline (NumPy wants the total a multiple of 64).
    static func header(shape: [Int], length: Int) -> Data {
        var text = dictionary(shape: shape)
        let prefix = 10
        precondition(length % 64 == 0 && prefix + text.utf8.count + 1 <= length && length - prefix <= Int(UInt16.max),
                     "npy header of \(length) bytes for shape \(shape)")
        text += String(repeating: " ", count: length - prefix - text.utf8.count - 1) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerBytes = UInt16(length - prefix)
        data.append(contentsOf: [UInt8(headerBytes & 0xFF), UInt8(headerBytes >> 8)])
        data.append(contentsOf: Array(text.utf8))
        return data
    }
}
