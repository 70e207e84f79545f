import ArgumentParser
import ConvoyFeatures
import ConvoyPipeline

/// `convoy join`: checks the parts a plan's tasks wrote and joins them into the output.
struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Check the parts that a plan's array tasks wrote and join them into one output.",
        discussion: """
        Every part in OUT.EXT.parts/ must be present and complete: frame counts and timestamps are checked \
        against the plan, and each missing or wrong part is named on its own line. Features (.npy, \
        .safetensors, directories) are concatenated in frame order with their times, giving the bytes a \
        one-machine run writes. Video parts are joined by stream copy (nothing is re-encoded), with the \
        original input's audio, subtitles and metadata muxed once beside them and the timestamps as the \
        input had them. The parts are removed after a successful join unless --keep-parts is given.

        Examples:
          convoy join plan.json -o feats.npy
          convoy join plan.json -o feats.safetensors --keep-parts
          convoy join plan.json -o filtered.mkv
        """
    )

    @Argument(help: "The plan the tasks ran (made by convoy plan).")
    var plan: String

    @Option(name: .shortAndLong, help: "The output the tasks were given with -o; its parts are in OUTPUT.parts/.")
    var output: String

    @Option(help: "The container of a joined video (ffmpeg -muxers); by default the output's extension names it.")
    var format: String?

    @Option(name: .customLong("input"), help: "Where the plan's input is now, when it moved: a joined video takes its audio, subtitles and metadata from it (it must still match the plan).")
    var original: String?

    @Flag(name: .customLong("keep-parts"), help: "Keep the parts after joining them.")
    var keepParts = false

    @Flag(name: .customShort("y"), help: "Replace an existing output.")
    var overwrite = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    func run() throws {
        try Failure.guarded {
            Log.quiet = quiet
            var join = SegmentJoin(planPath: plan, output: output)
            join.keepParts = keepParts
            join.overwrite = overwrite
            join.format = format
            join.original = original
            let summary = try join.run()
            Log.info("\(output): \(summary.frames) frames joined from \(summary.parts) parts\(keepParts ? "; the parts were kept" : "").")
        }
    }
}
