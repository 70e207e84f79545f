import ArgumentParser
import ConvoyPipeline
import ConvoyTensor
import Foundation

/// `convoy filter`: filters a video with one or more kernels given on the command line.
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Filter a video with one or more convolution kernels.",
        discussion: """
        Examples:
          convoy filter in.mp4 -o out.mp4 --kernel gaussian:sigma=1.5
          convoy filter in.mp4 -o edges.mp4 --kernel sobel --space luma --chroma neutral
          convoy filter in.mp4 -o out.mp4 --kernel "[1 2 1; 2 4 2; 1 2 1]/16" --kernel sharpen
          ffmpeg -i in.mkv -f nut - | convoy filter - -o out.mp4 --kernel box:size=5

        Kernels are applied as correlation, as PyTorch and ffmpeg's convolution filter apply them. \
        Run `convoy kernels` to list the built-in kernels.
        """
    )

    @Argument(help: "The input file or URL. Use - to read a container from standard input.")
    var input: String

    @Option(name: .customLong("kernel"), help: "A kernel: a built-in name with optional parameters (gaussian:sigma=1.5,size=5) or a matrix ([1 2 1; 2 4 2; 1 2 1]/16). Repeat it to chain kernels in order.")
    var kernels: [String] = []

    @Option(help: "The planes to filter: rgb (R, G and B), yuv (each stored plane) or luma (Y only, chroma kept).")
    var space: FilterSpace = .rgb

    @Option(help: "With --space luma: keep the chroma as it is, or make it neutral grey so that only the filtered luma shows (for edge maps).")
    var chroma: ChromaMode = .keep

    @Option(help: "How samples outside the frame are read: replicate (the nearest edge pixel), reflect (mirrored) or zero.")
    var border: BorderMode = .replicate

    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var encoderOptions: EncoderOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if kernels.isEmpty { throw ValidationError("Give at least one --kernel.") }
        if chroma == .neutral && space != .luma { throw ValidationError("--chroma neutral needs --space luma.") }
    }

    func run() throws {
        try Failure.guarded {
            let parsed = try KernelChain.parse(kernels)
            let processor = KernelProcessor(kernels: parsed, border: border, space: space, chroma: chroma)
            var job = FilterJob(input: input, output: outputOptions.output, processor: processor)
            job.format = outputOptions.format
            job.overwrite = outputOptions.overwrite
            job.encoder = encoderOptions.settings()
            runOptions.apply(to: &job, defaultBatch: 8)
            let summary = try FilterRunner(job: job).run()
            Report.finished(summary, output: job.output)
        }
    }
}
