import ConvoyPipeline
import Foundation

/// Reads one feature part back frame by frame, in the layout its sink wrote (`.npy` arrays,
/// a `.safetensors` file or a directory of per-frame `.npy` files), after checking that every file
/// is there with the header and size the part's record implies.
final class FeaturePartReader {
    private let handles: [FileHandle]
    /// For each output: the byte offset of frame 0 in its file (directory parts: unused).
    private let offsets: [UInt64]
    private let itemBytes: [Int]
    private let record: FeaturePart
    private let format: FeatureFormat
    private let path: String
    /// One frame of each output, owned here.
    private let buffers: [UnsafeMutablePointer<Float>]

    /// Opens part `path` (`OUT.EXT.parts/K.EXT`) as `record` describes it.
    ///
    /// - Throws: a sentence (as `FeaturePart.Problem`) saying which file is missing or wrong.
    init(path: String, record: FeaturePart, format: FeatureFormat) throws {
        self.path = path
        self.record = record
        self.format = format
        let frames = record.frames.count
        itemBytes = record.outputs.map { $0.itemShape.reduce(1, *) * MemoryLayout<Float>.size }
        buffers = record.outputs.map { UnsafeMutablePointer<Float>.allocate(capacity: max(1, $0.itemShape.reduce(1, *))) }
        switch format {
        case .npy:
            let paths = NpyFeatureSink.paths(for: path, outputs: record.outputs.map(\.name)).dropLast()
            handles = try zip(paths, record.outputs).map { file, output in
                try FeaturePartReader.openNpy(file, shape: [frames] + output.itemShape)
            }
            offsets = record.outputs.map { UInt64(NpyWriter.header(shape: [0] + $0.itemShape).count) }
        case .safetensors:
            let (handle, starts) = try FeaturePartReader.openSafeTensors(path, record: record)
            handles = [handle]
            offsets = starts
        case .directory:
            for (frame, output) in record.frames.flatMap({ frame in record.outputs.map { (frame, $0) } }) {
                _ = try FeaturePartReader.openNpy(FeaturePartReader.directoryFile(path, output: output.name, frame: frame),
                                                  shape: [1] + output.itemShape).close()
            }
            handles = []
            offsets = []
        }
    }

    deinit {
        for handle in handles { try? handle.close() }
        for buffer in buffers { buffer.deallocate() }
    }

    static func directoryFile(_ directory: String, output: String, frame: Int) -> String {
        (directory as NSString).appendingPathComponent(String(format: "%@_%06d.npy", output, frame))
    }

    /// Opens an `.npy` file written by `NpyWriter` for `shape`, checking its header and size.
    private static func openNpy(_ file: String, shape: [Int]) throws -> FileHandle {
        let header = NpyWriter.header(shape: shape)
        let expected = UInt64(header.count + shape.reduce(1, *) * MemoryLayout<Float>.size)
        guard let handle = FileHandle(forReadingAtPath: file) else { throw FeaturePart.Problem(text: "\((file as NSString).lastPathComponent) is missing") }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: 0)
        guard (try? handle.read(upToCount: header.count)) == header, size == expected else {
            try? handle.close()
            throw FeaturePart.Problem(text: "\((file as NSString).lastPathComponent) does not hold the [\(shape.map(String.init).joined(separator: ", "))] float32 array its record says (\(size) bytes, \(expected) expected)")
        }
        return handle
    }

    /// Opens a `.safetensors` part and finds each output's data, checking dtype and shape.
    private static func openSafeTensors(_ file: String, record: FeaturePart) throws -> (FileHandle, [UInt64]) {
        let name = (file as NSString).lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: file) else { throw FeaturePart.Problem(text: "\(name) is missing") }
        func fail(_ text: String) -> FeaturePart.Problem {
            try? handle.close()
            return FeaturePart.Problem(text: "\(name): \(text)")
        }
        guard let lengthBytes = try? handle.read(upToCount: 8), lengthBytes.count == 8 else { throw fail("shorter than a safetensors header") }
        let length = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length < 1 << 30, let json = try? handle.read(upToCount: Int(length)), json.count == Int(length),
              let header = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else { throw fail("its header cannot be read") }
        let dataStart = 8 + length
        var starts: [UInt64] = []
        let frames = record.frames.count
        for output in record.outputs {
            guard let entry = header[output.name] as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], shape == [frames] + output.itemShape,
                  let range = entry["data_offsets"] as? [Int], range.count == 2 else {
                throw fail("it has no F32 tensor \(output.name) of shape [\(([frames] + output.itemShape).map(String.init).joined(separator: ", "))]")
            }
            starts.append(dataStart + UInt64(range[0]))
        }
        let size = (try? handle.seekToEnd()) ?? 0
        let expected = dataStart + UInt64(record.outputs.reduce(0) { $0 + frames * $1.itemShape.reduce(1, *) * 4 } + frames * 8)
        guard size == expected else { throw fail("\(size) bytes, \(expected) expected") }
        return (handle, starts)
    }

    /// Frame `position` of the part (0-based within it): each output's values, valid until the
    /// next call.
    func frame(_ position: Int) throws -> [UnsafePointer<Float>] {
        for output in record.outputs.indices {
            let data: Data?
            switch format {
            case .npy, .safetensors:
                let handle = format == .npy ? handles[output] : handles[0]
                try handle.seek(toOffset: offsets[output] + UInt64(position * itemBytes[output]))
                data = try handle.read(upToCount: itemBytes[output])
            case .directory:
                let file = FeaturePartReader.directoryFile(path, output: record.outputs[output].name, frame: record.frames[position])
                data = FileManager.default.contents(atPath: file).map { $0.dropFirst(NpyWriter.header(shape: [1] + record.outputs[output].itemShape).count) }
            }
            guard let data, data.count == itemBytes[output] else { throw FeaturePart.Problem(text: "\((path as NSString).lastPathComponent) ended early") }
            data.withUnsafeBytes { UnsafeMutableRawPointer(buffers[output]).copyMemory(from: $0.baseAddress!, byteCount: itemBytes[output]) }
        }
        return buffers.map { UnsafePointer($0) }
    }
}
