import ConvoyMedia
import ConvoyPipeline
import Foundation

/// Pairs the images of two folders by name: `inputs/cat.jpg` goes with `targets/cat.png` (the
/// name without its extension must match). Hidden files are ignored; every other file must have a
/// partner, and each image is decoded with FFmpeg's libraries (PNG, JPEG, and anything else FFmpeg
/// reads as a picture; a file with several frames gives its first).
final class ImageFolderPairReader: FramePairReader {
    /// The pairs, sorted by name: input path, target path.
    let files: [(input: String, target: String)]
    private let inputSpace: FilterSpace
    private var targetSpace: FilterSpace?
    private let threads: Int
    private var index = 0

    /// Lists both folders and pairs their files.
    ///
    /// - Throws: `ConvoyError` when a folder cannot be read, is empty, holds two files of the
    ///   same name with different extensions, or holds files without a partner in the other.
    init(input: String, target: String, inputSpace: FilterSpace, threads: Int) throws {
        let inputs = try Self.list(input)
        let targets = try Self.list(target)
        let unpairedInputs = inputs.keys.filter { targets[$0] == nil }.sorted()
        let unpairedTargets = targets.keys.filter { inputs[$0] == nil }.sorted()
        if !unpairedInputs.isEmpty || !unpairedTargets.isEmpty {
            func names(_ keys: [String], _ table: [String: String]) -> String {
                let shown = keys.prefix(3).map { (table[$0]! as NSString).lastPathComponent }
                return shown.joined(separator: ", ") + (keys.count > 3 ? ", …" : "")
            }
            var parts: [String] = []
            if !unpairedInputs.isEmpty {
                parts.append("\(input) has \(unpairedInputs.count) without a partner in \(target) (\(names(unpairedInputs, inputs)))")
            }
            if !unpairedTargets.isEmpty {
                parts.append("\(target) has \(unpairedTargets.count) without a partner in \(input) (\(names(unpairedTargets, targets)))")
            }
            throw ConvoyError(parts.joined(separator: "; ") + "; images pair by file name without extension.", exitCode: ConvoyError.dataError)
        }
        files = inputs.keys.sorted().map { (inputs[$0]!, targets[$0]!) }
        self.inputSpace = inputSpace
        self.threads = threads
    }

    /// The size of the first input picture (decoding it).
    func firstInputSize() throws -> (width: Int, height: Int) {
        let image = try Self.decode(files[0].input, space: inputSpace, threads: threads)
        return (image.width, image.height)
    }

    func openTarget(space: FilterSpace) throws {
        precondition(targetSpace == nil, "the target opens once")
        targetSpace = space
    }

    func next() throws -> FramePair? {
        guard let targetSpace else { preconditionFailure("open the target before reading pairs") }
        guard index < files.count else { return nil }
        let (inputPath, targetPath) = files[index]
        defer { index += 1 }
        return FramePair(input: try Self.decode(inputPath, space: inputSpace, threads: threads),
                         target: try Self.decode(targetPath, space: targetSpace, threads: threads),
                         index: index, inputName: inputPath, targetName: targetPath)
    }

    /// The folder's visible regular files (`PictureFolder.list`), keyed by name without extension.
    private static func list(_ folder: String) throws -> [String: String] {
        var table: [String: String] = [:]
        for path in try PictureFolder.list(folder) {
            let name = (path as NSString).lastPathComponent
            let key = (name as NSString).deletingPathExtension
            if let other = table[key] {
                throw ConvoyError("\(folder): \((other as NSString).lastPathComponent) and \(name) have the same name; images pair by file name without extension, so keep one.",
                                  exitCode: ConvoyError.dataError)
            }
            table[key] = path
        }
        return table
    }

    /// The first picture of `path` in `space`'s working planes.
    static func decode(_ path: String, space: FilterSpace, threads: Int) throws -> PlanarImage {
        let video = try DecodedVideo(FrameInput(path), space: space, threads: threads, depth: 1)
        guard let first = try video.next() else {
            throw ConvoyError("\(path): no picture could be decoded.", exitCode: ConvoyError.dataError)
        }
        return first.image
    }
}
