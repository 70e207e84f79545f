import ConvoyFiles
import Foundation

/// Streams a float32 array of shape `[frames, …item]` to a `.npy` file (NumPy format 1.0) one
/// frame at a time, then fixes the frame count in the header at the end.
///
/// The header is written first with room for any count (padded to 128 bytes), the data follows,
/// and `finish()` rewrites the shape and renames the temporary file onto the target, so
/// `numpy.load` reads the result and a failed run leaves nothing behind.
public final class NpyWriter {
    public let path: String
    /// The shape of one frame's array (e.g. `[C, H, W]` or `[C]`).
    public let itemShape: [Int]
    private let file: StagedFile
    private var frames = 0
    private static let headerLength = 128

    /// Creates the temporary file beside `path`.
    public init(path: String, itemShape: [Int]) throws {
        self.path = path
        self.itemShape = itemShape
        file = try StagedFile.create(target: path)
        try file.write(NpyWriter.header(shape: [0] + itemShape))
    }

    /// Frames written so far.
    public var count: Int { frames }

    /// Appends one frame: `itemShape`'s element count of floats from `values`.
    public func append(_ values: UnsafePointer<Float>) throws {
        let count = itemShape.reduce(1, *)
        try file.write(Data(bytes: values, count: count * MemoryLayout<Float>.size))
        frames += 1
    }

    /// Writes the final shape into the header and renames the file onto the target.
    public func finish() throws {
        try file.seek(to: 0)
        try file.write(NpyWriter.header(shape: [frames] + itemShape))
        try file.commit()
    }

    /// Leaves the target untouched and removes the temporary file.
    public func discard() {
        file.discard()
    }

    /// The magic, version 1.0, header length and the header dictionary, space-padded to a fixed
    /// 128 bytes ending in a newline (NumPy wants the total a multiple of 64).
    static func header(shape: [Int]) -> Data {
        let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var text = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
        let prefix = 10
        precondition(prefix + text.utf8.count + 1 <= headerLength, "npy header too long for shape \(shape)")
        text += String(repeating: " ", count: headerLength - prefix - text.utf8.count - 1) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(headerLength - prefix)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(text.utf8))
        return data
    }
}
