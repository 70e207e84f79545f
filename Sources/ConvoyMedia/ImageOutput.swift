import CFFmpeg
import Foundation

/// Where the pictures of an image output go: one file (`out.png`), a numbered sequence
/// (`out%03d.png`, numbered from `startNumber`, as ffmpeg's image2 muxer numbers them), or a
/// folder (`dir/`) holding one file per picture, named after the input's files when the input
/// gave names, else numbered from `startNumber` with six digits.
///
/// `VideoWriter` writes the pictures into a hidden staging folder beside the target and moves
/// them onto their names only when the whole run succeeded, so a failed or interrupted run leaves
/// no picture behind.
public struct ImageOutput: Sendable, Equatable {
    public enum Layout: Sendable, Equatable {
        /// One picture, written to this path.
        case single(String)
        /// A printf-style `%d`/`%0Nd` pattern.
        case pattern(String)
        /// A folder; pictures get `fileExtension`.
        case folder(String)
    }

    public var layout: Layout
    /// The extension the pictures' files get (`png`, `jpg`, …), which also chooses the encoder.
    public var fileExtension: String
    /// The number the first picture of a pattern or numbered folder gets (ffmpeg's `-start_number`).
    public var startNumber: Int
    /// For each source picture (by its index in the input): the file it came from, when the input
    /// was a folder or a sequence of images. Folder outputs take the names from here.
    public var sourcePaths: [String]
    /// Replace pictures that exist already (`-y`).
    public var overwrite: Bool

    public init(layout: Layout, fileExtension: String, startNumber: Int = 1, sourcePaths: [String] = [], overwrite: Bool = false) {
        self.layout = layout
        self.fileExtension = fileExtension
        self.startNumber = startNumber
        self.sourcePaths = sourcePaths
        self.overwrite = overwrite
    }

    /// The image output `target` names, or nil when it is not one (a video container, or `-`).
    ///
    /// A target ending in `/`, or an existing folder, is a folder output whose pictures take
    /// `folderExtension` (png by default). Otherwise the target is an image output when the
    /// muxer its extension (or `format`) chooses is ffmpeg's image2: one picture, or a sequence
    /// when the name holds a `%d` pattern.
    public static func detect(target: String, format: String?, folderExtension: String?) -> ImageOutput? {
        guard target != "-" else { return nil }
        var isDirectory: ObjCBool = false
        if target.hasSuffix("/") || (FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) && isDirectory.boolValue) {
            let folder = target.hasSuffix("/") && target.count > 1 ? String(target.dropLast()) : target
            return ImageOutput(layout: .folder(folder), fileExtension: folderExtension ?? "png")
        }
        let muxer = format.flatMap { av_guess_format($0, nil, nil) } ?? av_guess_format(nil, target, nil)
        guard let muxer, String(cString: muxer.pointee.name) == "image2" else { return nil }
        let fileExtension = (target as NSString).pathExtension.lowercased()
        return ImageOutput(layout: hasPattern(target) ? .pattern(target) : .single(target), fileExtension: fileExtension)
    }

    /// True when `name` holds a `%d` or `%0Nd` number pattern.
    public static func hasPattern(_ name: String) -> Bool {
        name.range(of: #"%0?[0-9]*d"#, options: .regularExpression) != nil
    }

    /// The path the `written`-th picture (counting from 0) goes to; `sourceIndex` is the index of
    /// the source picture it was made from.
    public func path(written: Int, sourceIndex: Int) -> String {
        switch layout {
        case .single(let path):
            return path
        case .pattern(let pattern):
            return ImageOutput.fill(pattern, number: startNumber + written)
        case .folder(let folder):
            let base: String
            if sourceIndex >= 0, sourceIndex < sourcePaths.count {
                base = ((sourcePaths[sourceIndex] as NSString).lastPathComponent as NSString).deletingPathExtension
            } else {
                base = String(format: "%06ld", startNumber + written)
            }
            return (folder as NSString).appendingPathComponent("\(base).\(fileExtension)")
        }
    }

    /// True for a folder output (`-o dir/`).
    public var isFolder: Bool {
        if case .folder = layout { return true }
        return false
    }

    /// The folder the pictures go into (created when missing, for a folder output).
    public var directory: String {
        switch layout {
        case .single(let path), .pattern(let path):
            let parent = (path as NSString).deletingLastPathComponent
            return parent.isEmpty ? "." : parent
        case .folder(let folder):
            return folder
        }
    }

    /// A name for messages: the path, pattern or folder the user gave.
    public var displayName: String {
        switch layout {
        case .single(let name), .pattern(let name): return name
        case .folder(let folder): return folder + "/"
        }
    }

    /// `pattern` with its first `%d`/`%0Nd` replaced by `number` (`%%` stands for `%`), as
    /// libavformat's `av_get_frame_filename` fills it.
    public static func fill(_ pattern: String, number: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        if av_get_frame_filename2(&buffer, Int32(buffer.count), pattern, Int32(number), 0) == 0 {
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return pattern
    }
}
