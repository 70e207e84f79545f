import ConvoyMedia
import Foundation

/// `convoy plan`: indexes an input's video packets (no decoding) and cuts it into segments.
public enum SegmentPlanning {
    /// The plan for `input` and sentences about what differs from `request` (fewer segments).
    ///
    /// - Throws: `ConvoyError`: a missing input (66), one that is not a file or cannot be cut
    ///   exactly (65).
    public static func plan(input: String, request: SegmentPlanner.Request) throws -> (plan: SegmentPlan, notes: [String]) {
        guard input != "-" else {
            throw ConvoyError("-: a plan needs a file every task can read; standard input cannot be planned.", exitCode: ConvoyError.usage)
        }
        guard FileManager.default.fileExists(atPath: input) else { throw ConvoyError("\(input): no such file.", exitCode: ConvoyError.noInput) }
        do {
            let identity = try InputIdentity(path: input)
            let file: InputFile
            do { file = try InputFile(input) } catch { throw MediaErrors.input(error, name: input) }
            return try SegmentPlanner(index: try PacketIndex(input: file)).plan(for: request, input: identity)
        } catch let error as MediaError {
            throw ConvoyError(error.description, exitCode: ConvoyError.dataError)
        } catch let error as FFmpegError {
            throw MediaErrors.input(error, name: input)
        }
    }

    /// Writes `plan` to `path` (refused when it exists, unless `overwrite`; never the input).
    public static func write(_ plan: SegmentPlan, to path: String, overwrite: Bool) throws {
        if FileManager.default.fileExists(atPath: path) {
            if URL(fileURLWithPath: path).standardizedFileURL.path == plan.input.path {
                throw ConvoyError("\(path): the plan would replace its input.", exitCode: ConvoyError.cannotCreate)
            }
            guard overwrite else { throw ConvoyError("\(path): the file exists; add -y to replace it.", exitCode: ConvoyError.cannotCreate) }
        }
        try plan.write(to: path)
    }
}
