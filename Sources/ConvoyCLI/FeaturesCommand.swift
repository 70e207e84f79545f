import ArgumentParser
import ConvoyFeatures
import ConvoyPipeline
import Foundation

/// `convoy features`: runs a learned network over every frame and writes its feature maps.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Run a learned network over a video and write each output's per-frame feature maps.",
        discussion: """
        The output format follows the name: NAME.npy writes one array [frames, C, H, W] per model output \
        (NAME.OUTPUT.npy when there are several) with the frame times in NAME.pts.csv; NAME.safetensors \
        writes one tensor per output and the times as "pts"; any other name is a directory with one .npy \
        per frame and output and pts.csv. When the input is a folder of pictures (read in name order)         or an image sequence (img%03d.png), each row is one picture and files.csv (NAME.files.csv) names         its file instead of giving a time.

        Examples:
          convoy features clip.mp4 --model Samples/Models/tiny.yaml -o feats.npy
          convoy features photos/ --model Samples/Models/tiny.yaml -o feats.npy
          convoy features clip.mp4 --model net.yaml -o feats.safetensors --pool avg --every 10
          convoy features clip.mp4 --model net.yaml -o feats.npy --visualize heat.mp4 --channel 3
          convoy features clip.mp4 --model net.yaml -o feats.npy --plan plan.json --segment auto
        """
    )

    @OptionGroup var source: InputOptions

    @OptionGroup var model: ModelOption

    @Option(name: .shortAndLong, help: "The output: a .npy file, a .safetensors file, or a directory.")
    var output: String

    @Option(help: "Keep one value per channel and frame instead of whole maps: avg or max over each map.")
    var pool: FeaturePool?

    @Option(help: "Process every N-th frame only (1 processes all).")
    var every = 1

    @Option(help: "Also render the first output as a video: a heatmap of one channel over the footage, in sync with it.")
    var visualize: String?

    @Option(help: "The channel --visualize shows.")
    var channel = 0

    @Flag(help: "With --visualize, show a grid of the first 16 channels instead of one channel over the picture.")
    var grid = false

    @Flag(name: .customShort("y"), help: "Replace existing output files.")
    var overwrite = false

    @OptionGroup var runOptions: RunOptions

    @OptionGroup var segments: SegmentOptions

    func validate() throws {
        if model.path == nil { throw ValidationError("Give the network with --model.") }
        if every < 1 { throw ValidationError("--every must be at least 1.") }
        if channel < 0 { throw ValidationError("--channel must not be negative.") }
        if visualize == nil && (grid || channel != 0) { throw ValidationError("--channel and --grid go with --visualize.") }
    }

    func run() throws {
        try Failure.guarded {
            let loaded = try model.load()
            var job = FeatureJob(input: source.input, output: output, graph: loaded.graph, inputChannels: loaded.inputChannels)
            job.source = try source.frameInput()
            job.model = loaded
            job.pool = pool
            job.every = every
            job.visualize = visualize
            job.channel = channel
            job.grid = grid
            job.overwrite = overwrite
            job.batch = runOptions.batch ?? 8
            job.threads = runOptions.threads
            job.autorotate = !runOptions.noAutorotate
            job.strict = runOptions.strict
            job.progress = runOptions.quiet ? .none : runOptions.progress
            runOptions.configureLogging()
            job.segmentTask = try segments.task(input: source.input, output: output)
            Interruption.install()
            let summary = try FeatureRunner(job: job).run()
            Log.info(String(format: "%d frames of features written to %@ in %.2f s (%.1f fps).",
                            summary.framesWritten, job.segmentTask?.partPath ?? output, summary.seconds, summary.framesPerSecond))
            if let code = Interruption.exitCode { throw ExitCode(code) }
        }
    }
}

extension FeaturePool: ExpressibleByArgument {}
