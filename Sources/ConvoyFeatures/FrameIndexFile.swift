import ConvoyFiles
import Foundation

/// The CSV beside written features that says which frame each row is: `frame,pts_seconds` for
/// a video, or `frame,file` (the picture's file name) when the input is a folder or sequence of
/// pictures, whose times mean nothing.
final class FrameIndexFile {
    private let file: StagedFile
    private let pictures: [String]

    /// The file name's last part: `pts.csv`, or `files.csv` for pictures.
    static func suffix(pictures: [String]) -> String { pictures.isEmpty ? "pts.csv" : "files.csv" }

    init(path: String, pictures: [String]) throws {
        file = try StagedFile.create(target: path)
        self.pictures = pictures
        try file.write(line: pictures.isEmpty ? "frame,pts_seconds" : "frame,file")
    }

    func append(frame: Int, time: Double) throws {
        if frame >= 0, frame < pictures.count {
            try file.write(line: "\(frame),\(FrameIndexFile.quoted((pictures[frame] as NSString).lastPathComponent))")
        } else {
            try file.write(line: "\(frame),\(String(format: "%.6f", time))")
        }
    }

    func finish() throws { try file.commit() }
    func discard() { file.discard() }

    /// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
