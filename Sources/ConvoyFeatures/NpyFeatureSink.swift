import ConvoyFiles
import Foundation

/// `.npy` features: one array `[frames, …]` per output (the path itself for a single output,
/// `STEM.OUTPUT.npy` for several) and the frame times in `STEM.pts.csv`, or, when the input is a
/// folder or sequence of pictures, each row's file in `STEM.files.csv` (`FrameIndexFile`).
final class NpyFeatureSink: FeatureSink {
    private let writers: [NpyWriter]
    private let index: FrameIndexFile

    /// `pictures`: the input's files by picture index, or empty for a video.
    init(path: String, outputs: [(name: String, itemShape: [Int])], pictures: [String] = []) throws {
        let stem = path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path
        writers = try outputs.map { output in
            try NpyWriter(path: outputs.count == 1 ? path : "\(stem).\(output.name).npy", itemShape: output.itemShape)
        }
        index = try FrameIndexFile(path: "\(stem).\(FrameIndexFile.suffix(pictures: pictures))", pictures: pictures)
    }

    /// The files this sink writes for `path`.
    static func paths(for path: String, outputs: [String], pictures: [String] = []) -> [String] {
        let stem = path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path
        return (outputs.count == 1 ? [path] : outputs.map { "\(stem).\($0).npy" }) + ["\(stem).\(FrameIndexFile.suffix(pictures: pictures))"]
    }

    func append(frame outputs: [UnsafePointer<Float>], index frame: Int, time: Double) throws {
        for (writer, values) in zip(writers, outputs) { try writer.append(values) }
        try index.append(frame: frame, time: time)
    }

    func finish() throws {
        for writer in writers { try writer.finish() }
        try index.finish()
    }

    func discard() {
        for writer in writers { writer.discard() }
        index.discard()
    }
}
