import ArgumentParser
import ConvoyMedia
import ConvoyPipeline
import Foundation

/// `convoy run`: runs a pipeline file over a video.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file (colour space, border, batch, kernels or a model, encoder) over a video.",
        discussion: """
        Options given on the command line override the pipeline file's values.

        Example:
          convoy run Pipelines/blur.yaml in.mp4 -o blurred.mp4
        """
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @OptionGroup var source: InputOptions

    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var encoderOptions: EncoderOptions
    @OptionGroup var runOptions: RunOptions

    @OptionGroup var segments: SegmentOptions

    func run() throws {
        try Failure.guarded {
            let spec = try PipelineSpec.load(path: pipeline)
            let processor: FrameProcessor
            if let model = spec.model {
                let loaded = try ModelFiles.load(model, input: spec.modelInput)
                processor = try ModelProcessor(model: loaded, name: model)
            } else if let chain = spec.chain {
                processor = KernelProcessor(chain: chain, space: spec.space, chroma: spec.chroma)
            } else {
                preconditionFailure("a parsed pipeline has kernels or a model")
            }
            var job = FilterJob(input: source.input, output: outputOptions.output, processor: processor)
            job.source = try source.frameInput()
            job.format = outputOptions.format ?? spec.format
            outputOptions.apply(to: &job)
            let base = spec.encoder.map {
                EncoderSettings(codec: $0.codec, crf: $0.crf, preset: $0.preset, bitrate: $0.bitrate, pixelFormat: $0.pixFmt)
            }
            job.encoder = encoderOptions.settings(over: base)
            runOptions.apply(to: &job, defaultBatch: spec.batch)
            Interruption.install()
            job.segmentTask = try segments.task(input: source.input, output: job.output)
            let summary = try FilterRunner(job: job).run()
            Report.finished(summary, output: job.segmentTask?.partPath ?? job.output, format: runOptions.summary)
            if let code = Interruption.exitCode { throw ExitCode(code) }
        }
    }
}
