import ConvoyFiles
import Foundation

/// `.npy` features: one array `[frames, …]` per output (the path itself for a single output,
/// `STEM.OUTPUT.npy` for several) and the frame times in `STEM.pts.csv`.
final class NpyFeatureSink: FeatureSink {
    private let writers: [NpyWriter]
    private let times: StagedFile

    init(path: String, outputs: [(name: String, itemShape: [Int])]) throws {
        let stem = path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path
        writers = try outputs.map { output in
            try NpyWriter(path: outputs.count == 1 ? path : "\(stem).\(output.name).npy", itemShape: output.itemShape)
        }
        times = try StagedFile.create(target: "\(stem).pts.csv")
        try times.write(line: "frame,pts_seconds")
    }

    /// The files this sink writes for `path`.
    static func paths(for path: String, outputs: [String]) -> [String] {
        let stem = path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path
        return (outputs.count == 1 ? [path] : outputs.map { "\(stem).\($0).npy" }) + ["\(stem).pts.csv"]
    }

    func append(frame outputs: [UnsafePointer<Float>], index: Int, time: Double) throws {
        for (writer, values) in zip(writers, outputs) { try writer.append(values) }
        try times.write(line: "\(index),\(String(format: "%.6f", time))")
    }

    func finish() throws {
        for writer in writers { try writer.finish() }
        try times.commit()
    }

    func discard() {
        for writer in writers { writer.discard() }
        times.discard()
    }
}
