import ConvoyFiles
import Foundation

/// A manifest that splits one input into segments a scheduler's array tasks process one each
/// (`convoy plan`): the input's identity, its video stream, and ranges that start on keyframes
/// and cover every frame exactly once, in presentation order.
///
/// Written as JSON (`docs/SEGMENTS.md` describes the format; `version` changes when a field's
/// meaning does). Timestamps are integers in the video stream's time base, so nothing is lost
/// to rounding; the seconds beside them are for people.
public struct SegmentPlan: Codable, Equatable, Sendable {
    /// Always `convoy-segment-plan`: what the file is.
    public var format = SegmentPlan.formatName
    /// The format's version (1).
    public var version = SegmentPlan.currentVersion
    /// The input the plan was made from.
    public var input: InputIdentity
    /// The video stream the ranges cut.
    public var video: VideoStream
    /// The segments, in presentation order; segment K is the K-th (0-based).
    public var segments: [Segment]

    public static let formatName = "convoy-segment-plan"
    public static let currentVersion = 1

    /// The video stream as indexed.
    public struct VideoStream: Codable, Equatable, Sendable {
        /// The stream's index in the input.
        public var stream: Int
        public var codec: String
        /// The time base every timestamp of the plan is in: `[num, den]`.
        public var timeBase: [Int32]
        /// How many frames the stream has (packets that are not discarded).
        public var frames: Int
        /// How many video packets the demuxer gives (frames and discarded ones).
        public var packets: Int
        /// How many keyframes it has, and at how many of them it can be cut.
        public var keyframes: Int
        public var cutPoints: Int
    }

    public init(input: InputIdentity, video: VideoStream, segments: [Segment]) {
        self.input = input
        self.video = video
        self.segments = segments
    }

    /// The plan as pretty-printed JSON with sorted keys (the same plan gives the same bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Writes the plan to `path` through a temporary file and a rename.
    public func write(to path: String) throws {
        let file = try StagedFile.create(target: path)
        do {
            try file.write(try encoded())
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Reads a plan written by `write(to:)`.
    ///
    /// - Throws: `SegmentPlan.ReadError` naming the file and what is wrong with it.
    public static func read(from path: String) throws -> SegmentPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file",
                            missing: !FileManager.default.fileExists(atPath: path))
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? decoder.decode(Header.self, from: data), header.format == formatName else {
            throw ReadError(path: path, reason: "not a Convoy segment plan (made by convoy plan)")
        }
        guard header.version == currentVersion else {
            throw ReadError(path: path, reason: "plan version \(header.version.map(String.init) ?? "missing"); this Convoy reads version \(currentVersion)")
        }
        let plan: SegmentPlan
        do { plan = try decoder.decode(SegmentPlan.self, from: data) } catch {
            throw ReadError(path: path, reason: "a malformed plan (\(SegmentPlan.describe(error)))")
        }
        if let problem = plan.inconsistency { throw ReadError(path: path, reason: problem) }
        return plan
    }

    /// What is inconsistent in the plan (segments out of order, frame counts that do not add
    /// up), or nil.
    var inconsistency: String? {
        guard !segments.isEmpty else { return "it has no segments" }
        guard video.timeBase.count == 2, video.timeBase[0] > 0, video.timeBase[1] > 0 else { return "its time base is not two positive numbers" }
        var firstFrame = 0
        for (position, segment) in segments.enumerated() {
            if segment.index != position { return "segment \(position) is numbered \(segment.index)" }
            if segment.firstFrame != firstFrame { return "segment \(position) starts at frame \(segment.firstFrame), not \(firstFrame)" }
            if (segment.seek == nil) != (position == 0) { return "only the first segment starts without a keyframe to seek to" }
            if (segment.endPts == nil) != (position == segments.count - 1) { return "only the last segment has no end" }
            if let end = segment.endPts, position + 1 < segments.count, segments[position + 1].startPts != end {
                return "segment \(position) ends where segment \(position + 1) does not start"
            }
            if segment.frames < 1 { return "segment \(position) has no frames" }
            firstFrame += segment.frames
        }
        if firstFrame != video.frames { return "its segments hold \(firstFrame) frames, its video \(video.frames)" }
        return nil
    }

    /// A plan that cannot be read, as one line.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        /// True when the file does not exist.
        public var missing = false
        public var description: String { "\(path): \(reason)." }
    }

    private static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "\(key.stringValue) is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
