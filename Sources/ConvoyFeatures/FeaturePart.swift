import ConvoyPipeline
import ConvoyFiles
import Foundation

/// The record a `convoy features` task writes beside its part (`OUT.EXT.parts/K.done.json`)
/// once the part's files are complete: what the join checks the part against and takes the
/// frames' indices and times from. Its presence marks the part as finished.
struct FeaturePart: Codable, Equatable {
    var format = "convoy-feature-part"
    var version = 1
    /// The plan's segment this part holds, and the task's `--every`: the part holds exactly the
    /// segment's frames whose index (in the whole video) is a multiple of it.
    var segment: Int
    var every: Int
    /// How the features were written (`npy`, `safetensors`, `directory`).
    var featureFormat: String
    /// Each model output's name and per-frame shape.
    var outputs: [Output]
    /// The written frames' indices (in the whole video) and times in seconds, in order.
    var frames: [Int]
    var times: [Double]

    struct Output: Codable, Equatable {
        var name: String
        var itemShape: [Int]
    }

    /// Where the record of part K of `output` goes.
    static func recordPath(output: String, segment: Int) -> String {
        recordPath(part: SegmentTask.partPath(output: output, segment: segment), segment: segment)
    }

    /// Where the record of the part at `part` (segment `segment`) goes: beside it.
    static func recordPath(part: String, segment: Int) -> String {
        ((part as NSString).deletingLastPathComponent as NSString).appendingPathComponent("\(segment).done.json")
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let file = try StagedFile.create(target: path)
        do {
            try file.write(try encoder.encode(self))
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// A part, or a file of it, that is missing or not what its record says: one sentence.
    struct Problem: Error { var text: String }

    /// The record at `path`.
    ///
    /// - Throws: `Problem` saying why there is none.
    static func read(from path: String) throws -> FeaturePart {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(text: "missing (no \((path as NSString).lastPathComponent): the task has not finished)") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let part = try? decoder.decode(FeaturePart.self, from: data), part.format == "convoy-feature-part", part.version == 1 else {
            throw Problem(text: "\((path as NSString).lastPathComponent) is not a feature part's record")
        }
        guard part.frames.count == part.times.count else { throw Problem(text: "its record has \(part.frames.count) frame indices and \(part.times.count) times") }
        return part
    }
}
