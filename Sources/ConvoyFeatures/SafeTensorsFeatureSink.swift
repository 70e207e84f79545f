import ConvoyFiles
import Foundation

/// One `.safetensors` file: a tensor per model output, `[frames, …]` in F32, and `pts`, the frame
/// times in seconds as F64 `[frames]`; `__metadata__` records the frame indices' source.
///
/// safetensors puts the header first, and the header holds the sizes, so each tensor streams to a
/// temporary part file while the video runs; `finish()` writes the header and copies the parts in.
final class SafeTensorsFeatureSink: FeatureSink {
    private let path: String
    private let outputs: [(name: String, itemShape: [Int])]
    private let parts: [StagedFile]
    private var times: [Double] = []
    private var indices: [Int] = []

    init(path: String, outputs: [(name: String, itemShape: [Int])]) throws {
        self.path = path
        self.outputs = outputs
        parts = try outputs.indices.map { try StagedFile.create(target: path, part: $0) }
    }

    func append(frame values: [UnsafePointer<Float>], index: Int, time: Double) throws {
        for (part, (pointer, output)) in zip(parts, zip(values, outputs)) {
            try part.write(Data(bytes: pointer, count: output.itemShape.reduce(1, *) * MemoryLayout<Float>.size))
        }
        times.append(time)
        indices.append(index)
    }

    func finish() throws {
        defer { discard() }
        let frames = times.count
        var header: [String: Any] = [:]
        var offset = 0
        for output in outputs {
            let bytes = frames * output.itemShape.reduce(1, *) * MemoryLayout<Float>.size
            header[output.name] = ["dtype": "F32", "shape": [frames] + output.itemShape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        header["pts"] = ["dtype": "F64", "shape": [frames], "data_offsets": [offset, offset + frames * MemoryLayout<Double>.size]]
        header["__metadata__"] = ["format": "pt", "producer": "convoy features",
                                  "frame_indices": indices.map(String.init).joined(separator: ",")]
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        let file = try StagedFile.create(target: path)
        var length = UInt64(json.count).littleEndian
        try file.write(Data(bytes: &length, count: 8))
        try file.write(json)
        for part in parts { try file.append(contentsOf: part) }
        try file.write(times.withUnsafeBufferPointer { Data(buffer: $0) })
        try file.commit()
    }

    /// Removes the part files (after `finish()` they have been copied in).
    func discard() {
        for part in parts { part.discard() }
    }
}
