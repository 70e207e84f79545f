import ArgumentParser
import ConvoyPipeline

/// `--plan plan.json --segment K|auto`: run one array task of a plan, as `filter`, `features` and
/// `run` take it.
struct SegmentOptions: ParsableArguments {
    @Option(help: "A plan made by convoy plan: process only one of its segments (--segment) and write it as a part, OUT.EXT.parts/K.EXT, for convoy join.")
    var plan: String?

    @Option(help: "With --plan, the segment to process: a number from 0, or auto to take it from the scheduler's array index (SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, BATCH_TASK_INDEX or CLOUD_RUN_TASK_INDEX, the first one set).")
    var segment: String?

    func validate() throws {
        if (plan == nil) != (segment == nil) { throw ValidationError("--plan and --segment go together.") }
        if let segment, SegmentSelector(argument: segment) == nil {
            throw ValidationError("--segment takes a segment number (0, 1, …) or auto, not '\(segment)'.")
        }
    }

    /// The task for `input` and `output`, or nil without --plan; says on stderr which segment it
    /// runs and where the index came from.
    func task(input: String, output: String) throws -> SegmentTask? {
        guard let plan, let segment, let selector = SegmentSelector(argument: segment) else { return nil }
        return try SegmentTask.prepare(planPath: plan, selector: selector, input: input, output: output)
    }
}
