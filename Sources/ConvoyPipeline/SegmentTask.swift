import ConvoyMedia
import Foundation

/// One array task of a plan (`--plan plan.json --segment K|auto`): the plan, the segment it runs
/// and where its part goes, once the input has been checked against the plan's record.
public struct SegmentTask: Sendable {
    public let plan: SegmentPlan
    public let segment: SegmentPlan.Segment
    /// Where this task writes: `OUT.EXT.parts/K.EXT` (`OUT.parts/K` for a feature directory).
    public let partPath: String
    /// Where the index came from, for the log (`SLURM_ARRAY_TASK_ID=3`, `--segment 3`).
    public let origin: String

    /// Reads the plan at `planPath`, picks the segment `selector` names (from `environment` for
    /// `auto`), checks that `input` is the plan's input, and names the part for `output`.
    ///
    /// - Throws: `ConvoyError`: a missing (66) or malformed (65) plan, no index or one out of range
    ///   (64), an input that is not the plan's (65), an output that cannot have parts (64).
    public static func prepare(planPath: String, selector: SegmentSelector, input: String, output: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SegmentTask {
        let plan = try SegmentTask.readPlan(planPath)
        let (index, origin) = try selector.resolve(environment: environment)
        guard plan.segments.indices.contains(index) else {
            throw ConvoyError("\(planPath): segment \(index) (\(origin)) is out of range: the plan has \(plan.segments.count) segments, 0 to \(plan.segments.count - 1).",
                              exitCode: ConvoyError.usage)
        }
        try SegmentTask.checkInput(input, against: plan, planPath: planPath)
        guard output != "-" else {
            throw ConvoyError("-o -: a segment's part is a file beside the output; give -o OUT.EXT.", exitCode: ConvoyError.usage)
        }
        return SegmentTask(plan: plan, segment: plan.segments[index], partPath: partPath(output: output, segment: index), origin: origin)
    }

    /// Reads a plan, as a `ConvoyError` naming the file when it cannot.
    public static func readPlan(_ path: String) throws -> SegmentPlan {
        do { return try SegmentPlan.read(from: path) } catch let error as SegmentPlan.ReadError {
            throw ConvoyError(error.description, exitCode: error.missing ? ConvoyError.noInput : ConvoyError.dataError)
        }
    }

    /// Refuses `input` unless its size and first MiB are the plan's input's; a different path or
    /// modification time is only said.
    public static func checkInput(_ input: String, against plan: SegmentPlan, planPath: String) throws {
        let identity: InputIdentity
        do { identity = try InputIdentity(path: input) } catch {
            throw FileManager.default.fileExists(atPath: input) ? MediaErrors.input(error, name: input)
                : ConvoyError("\(input): no such file.", exitCode: ConvoyError.noInput)
        }
        let (problem, notes) = plan.input.mismatch(with: identity)
        if let problem {
            throw ConvoyError("\(input): not the input of \(planPath): \(problem).", exitCode: ConvoyError.dataError)
        }
        for note in notes { Log.info("\(input): \(note).") }
    }

    /// The folder a run's parts go in: `OUT.EXT.parts` beside `OUT.EXT`.
    public static func partsDirectory(output: String) -> String {
        (output.hasSuffix("/") ? String(output.dropLast()) : output) + ".parts"
    }

    /// Part K of `output`: `OUT.EXT.parts/K.EXT`, or `OUT.parts/K` when the output has no
    /// extension (a feature directory).
    public static func partPath(output: String, segment: Int) -> String {
        let trimmed = output.hasSuffix("/") ? String(output.dropLast()) : output
        let ext = (trimmed as NSString).pathExtension
        let name = ext.isEmpty ? "\(segment)" : "\(segment).\(ext)"
        return (partsDirectory(output: output) as NSString).appendingPathComponent(name)
    }

    /// Makes the parts folder (and any folder above it) if it is missing.
    public func makePartsDirectory() throws {
        let directory = (partPath as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ConvoyError("\(directory): cannot create the parts folder (\(error.localizedDescription)).", exitCode: ConvoyError.cannotCreate)
        }
    }

    /// The sentence a task logs when it starts.
    public var summary: String {
        String(format: "segment %d of %d (%@): frames %d to %d, %.3f s to %@, into %@.", segment.index, plan.segments.count, origin,
               segment.firstFrame, segment.firstFrame + segment.frames - 1, segment.startSeconds,
               segment.endSeconds.map { String(format: "%.3f s", $0) } ?? "the end", partPath)
    }
}
