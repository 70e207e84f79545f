import ArgumentParser
import ConvoyMedia
import ConvoyPipeline

/// How a run is carried out and reported.
struct RunOptions: ParsableArguments {
    @Option(help: "Frames per batch tensor. The default is 8, or the pipeline file's value. The direct engine for fixed kernels has no batch tensor and takes one frame per worker thread at a time.")
    var batch: Int?

    @Option(help: "Threads for the convolution and for the codecs. By default the convolution uses every core and the codecs let FFmpeg decide.")
    var threads: Int?

    @Option(help: "Progress on standard error: auto (a status line on a terminal), json (one line a second), ffmpeg (key=value blocks as ffmpeg -progress writes them) or none.")
    var progress: ProgressMode = .auto

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print FFmpeg's own warnings and errors on standard error.")
    var verbose = false

    @Flag(help: "Stop at the first damaged packet or frame of the input instead of skipping or concealing it, as ffmpeg does by default, and refuse a video whose pictures change size or pixel format mid-way instead of scaling them to the first ones.")
    var strict = false

    @Flag(name: .customLong("no-autorotate"), help: "Filter frames as they are stored instead of turning them upright as the input's display matrix says (ffmpeg's -noautorotate). A filtered video keeps the display matrix, so players still turn it.")
    var noAutorotate = false

    @Option(help: "How the closing summary is printed on standard error: text (one line, silenced by --quiet) or json (one JSON object, printed even with --quiet).")
    var summary: SummaryFormat = .text

    func validate() throws {
        if let batch, !(1...256).contains(batch) {
            throw ValidationError("The batch size must be between 1 and 256.")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("The thread count must be between 1 and 256.")
        }
    }

    /// Fills the run-related fields of `job`.
    func apply(to job: inout FilterJob, defaultBatch: Int) {
        job.batch = batch ?? defaultBatch
        job.threads = threads
        job.progress = quiet ? .none : progress
        job.strict = strict
        job.autorotate = !noAutorotate
        configureLogging()
    }

    /// Sets how much Convoy and FFmpeg print on standard error.
    func configureLogging() {
        Log.quiet = quiet
        if verbose && !quiet { FFmpegLog.warnings() } else { FFmpegLog.panicOnly() }
    }
}
