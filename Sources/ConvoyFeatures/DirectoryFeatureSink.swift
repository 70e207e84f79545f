import ConvoyFiles
import ConvoyPipeline
import Foundation

/// A directory of per-frame `.npy` files, `OUTPUT_000123.npy` (the decoded frame's index), and
/// `pts.csv` with each written frame's index and time (`files.csv` with its file for pictures).
final class DirectoryFeatureSink: FeatureSink {
    private let directory: String
    private let outputs: [(name: String, itemShape: [Int])]
    private let times: FrameIndexFile
    private var written: [String] = []
    private let created: Bool

    init(directory: String, outputs: [(name: String, itemShape: [Int])], pictures: [String] = []) throws {
        self.directory = directory
        self.outputs = outputs
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw ConvoyError("\(directory): exists and is not a directory.", exitCode: ConvoyError.cannotCreate)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ConvoyError("\(directory): cannot create the directory (\(error.localizedDescription)).", exitCode: ConvoyError.cannotCreate)
        }
        created = !exists
        times = try FrameIndexFile(path: (directory as NSString).appendingPathComponent(FrameIndexFile.suffix(pictures: pictures)),
                                   pictures: pictures)
    }

    func append(frame values: [UnsafePointer<Float>], index: Int, time: Double) throws {
        for (output, pointer) in zip(outputs, values) {
            let path = (directory as NSString).appendingPathComponent(String(format: "%@_%06d.npy", output.name, index))
            let writer = try NpyWriter(path: path, itemShape: output.itemShape)
            try writer.append(pointer)
            // Each per-frame file is complete on its own: its shape is [1, …].
            try writer.finish()
            written.append(path)
        }
        try times.append(frame: index, time: time)
    }

    func finish() throws { try times.finish() }

    func discard() {
        times.discard()
        for path in written { unlink(path) }
        if created { rmdir(directory) }
    }
}
