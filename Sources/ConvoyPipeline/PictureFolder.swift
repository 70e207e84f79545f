import ConvoyMedia
import Foundation

/// The pictures an input names when it is a folder (its visible regular files in name order, as
/// `convoy train` reads folders) or an image sequence pattern (`img%03d.png`: the numbered files
/// that exist from the first of `startNumber` (default 0) and the four after it that exists, as
/// ffmpeg's image2 demuxer looks for it).
package enum PictureFolder {
    /// True when `name` is an existing folder.
    static func isFolder(_ name: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The folder's visible regular files, sorted by name.
    ///
    /// - Throws: `ConvoyError` (exit 66) when the folder cannot be listed or holds no file.
    package static func list(_ folder: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw ConvoyError("\(folder): cannot list the folder (\((error as NSError).localizedDescription)).", exitCode: ConvoyError.noInput)
        }
        let files = names.sorted().filter { !$0.hasPrefix(".") }.map { (folder as NSString).appendingPathComponent($0) }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard !files.isEmpty else { throw ConvoyError("\(folder): the folder holds no images.", exitCode: ConvoyError.noInput) }
        return files
    }

    /// The files an image sequence pattern names, in order; empty when `name` has no pattern.
    static func sequence(_ name: String, startNumber: Int?) -> [String] {
        guard ImageOutput.hasPattern(name), !name.contains("://") else { return [] }
        let manager = FileManager.default
        let start = startNumber ?? 0
        let candidates = Array(start..<(start + 5))
        guard let first = candidates.first(where: { manager.fileExists(atPath: ImageOutput.fill(name, number: $0)) }) else { return [] }
        var files: [String] = []
        var number = first
        while manager.fileExists(atPath: ImageOutput.fill(name, number: number)) {
            files.append(ImageOutput.fill(name, number: number))
            number += 1
        }
        return files
    }
}
