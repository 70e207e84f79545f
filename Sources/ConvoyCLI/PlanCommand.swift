import ArgumentParser
import ConvoyMedia
import ConvoyPipeline

/// `convoy plan`: splits an input into keyframe-aligned segments for a scheduler's array tasks.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Split a video into segments that array tasks of a cluster scheduler process one each.",
        discussion: """
        Reads the video's packet index (nothing is decoded) and writes a JSON plan: the input's path, size, \
        modification time and a hash of its first MiB, and ranges that each start on a keyframe, with their \
        timestamps and frame counts. Every frame belongs to exactly one segment. Each task then runs the \
        job's ordinary command with --plan plan.json --segment K (or --segment auto inside an array job), \
        which writes part K beside the output, and convoy join puts the parts together. When the video \
        has fewer keyframes to cut at than segments asked for, fewer segments are made and that is said. \
        docs/SEGMENTS.md describes the plan and docs/examples/ has submit scripts.

        Examples:
          convoy plan film.mp4 --segments 8 -o plan.json
          convoy plan film.mp4 --segment-seconds 60 -o plan.json
          sbatch --array=0-7 --wrap "convoy features film.mp4 --model net.yaml -o feats.npy --plan plan.json --segment auto"
          convoy join plan.json -o feats.npy
        """
    )

    @Argument(help: "The video file to split (a file every task can read, not standard input).")
    var input: String

    @Option(help: "How many segments to make, of about equal frame counts.")
    var segments: Int?

    @Option(name: .customLong("segment-seconds"), help: "Make segments of about this many seconds each instead.")
    var segmentSeconds: Double?

    @Option(name: .shortAndLong, help: "The plan file to write (JSON).")
    var output: String

    @Flag(name: .customShort("y"), help: "Replace an existing plan file.")
    var overwrite = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    func validate() throws {
        switch (segments, segmentSeconds) {
        case (nil, nil), (.some, .some): throw ValidationError("Give one of --segments N and --segment-seconds S.")
        case (let count?, nil) where count < 1: throw ValidationError("--segments must be at least 1.")
        case (nil, let seconds?) where !(seconds > 0 && seconds.isFinite): throw ValidationError("--segment-seconds must be a positive number.")
        default: break
        }
    }

    func run() throws {
        try Failure.guarded {
            Log.quiet = quiet
            FFmpegLog.panicOnly()
            let request: SegmentPlanner.Request = segments.map { .segments($0) } ?? .seconds(segmentSeconds!)
            let (plan, notes) = try SegmentPlanning.plan(input: input, request: request)
            for note in notes { Log.info("\(note).") }
            try SegmentPlanning.write(plan, to: output, overwrite: overwrite)
            Log.info("\(output): \(plan.segments.count) segments of \(input) (\(plan.video.frames) frames, cut at \(plan.video.cutPoints) of \(plan.video.keyframes) keyframes possible).")
        }
    }
}
