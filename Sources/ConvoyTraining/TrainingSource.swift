import ConvoyPipeline
import Foundation

/// Where training pairs come from: two videos paired frame by frame, or two folders of images
/// paired by file name.
public enum TrainingSource: Equatable, Sendable {
    /// Frame i of `input` goes with frame i of `target`; both must have the same timestamps.
    case videos(input: String, target: String)
    /// `input/NAME.*` goes with `target/NAME.*`.
    case folders(input: String, target: String)

    /// Folders when both names are directories, videos when neither is.
    ///
    /// - Throws: `ConvoyError` (usage) when one is a directory and the other is not.
    public static func detect(input: String, target: String) throws -> TrainingSource {
        func isDirectory(_ path: String) -> Bool {
            var flag: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
        }
        switch (isDirectory(input), isDirectory(target)) {
        case (true, true): return .folders(input: input, target: target)
        case (false, false): return .videos(input: input, target: target)
        case (true, false):
            throw ConvoyError("\(input) is a folder but \(target) is not; give two videos or two folders of images.", exitCode: ConvoyError.usage)
        case (false, true):
            throw ConvoyError("\(target) is a folder but \(input) is not; give two videos or two folders of images.", exitCode: ConvoyError.usage)
        }
    }

    /// The input video or folder.
    public var inputName: String {
        switch self { case .videos(let input, _), .folders(let input, _): return input }
    }

    /// The target video or folder.
    public var targetName: String {
        switch self { case .videos(_, let target), .folders(_, let target): return target }
    }

    /// A reader of every pair, from the first.
    func makeReader(inputSpace: FilterSpace, targetSpace: FilterSpace, threads: Int) throws -> FramePairReader {
        switch self {
        case .videos(let input, let target):
            return try VideoPairReader(input: input, target: target, inputSpace: inputSpace, targetSpace: targetSpace, threads: threads)
        case .folders(let input, let target):
            return try ImageFolderPairReader(input: input, target: target, inputSpace: inputSpace, targetSpace: targetSpace, threads: threads)
        }
    }

    /// The size of the first input frame (opening the video, or decoding the first image).
    func firstInputSize(space: FilterSpace, threads: Int) throws -> (width: Int, height: Int) {
        switch self {
        case .videos(let input, _):
            let stage = try VideoSource(input: input, space: space, threads: 1)
            return (stage.width, stage.height)
        case .folders(let input, let target):
            let reader = try ImageFolderPairReader(input: input, target: target, inputSpace: space, targetSpace: space, threads: threads)
            let image = try ImageFolderPairReader.decode(reader.files[0].input, space: space, threads: threads)
            return (image.width, image.height)
        }
    }
}
