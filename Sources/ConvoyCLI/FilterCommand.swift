import ArgumentParser
import ConvoyMedia
import ConvoyPipeline
import ConvoyTensor
import Foundation

/// `convoy filter`: filters a video with one or more kernels given on the command line.
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Filter a video with convolution kernels or a learned model.",
        discussion: """
        Examples:
          convoy filter in.mp4 -o out.mp4 --kernel gaussian:sigma=1.5
          convoy filter in.mp4 -o edges.mp4 --kernel sobel --space luma --chroma neutral
          convoy filter in.mp4 -o out.mp4 --kernel "[1 2 1; 2 4 2; 1 2 1]/16" --kernel sharpen
          ffmpeg -i in.mkv -f nut - | convoy filter - -o out.mp4 --kernel box:size=5
          ffmpeg -i in.mkv -f rawvideo -pix_fmt rgb24 - | convoy filter - --raw 1920x1080:rgb24@30 -o out.mp4 --kernel sobel
          convoy filter in.mp4 -o out.mp4 --model Samples/Models/denoise.yaml
          convoy filter photo.jpg -o blurred.jpg --kernel gaussian:sigma=2,size=9
          convoy filter building.jpg -o house-edges.png --kernel sobel --space luma --chroma neutral
          convoy filter img%03d.png -o out%03d.png --kernel sharpen
          convoy filter photos/ -o sharpened/ --image-format jpg --kernel sharpen

        A picture's extension chooses its encoder as ffmpeg does (.png, .jpg, .tif, .bmp, .webp, .gif); \
        a name with a number pattern writes one picture per frame, and a folder (photos/) is read in \
        name order, one picture per file, an unreadable file skipped with a warning (--strict stops).

        Kernels are applied as correlation, as PyTorch and ffmpeg's convolution filter apply them. \
        Run `convoy kernels` to list the built-in kernels.
        """
    )

    @OptionGroup var source: InputOptions

    @OptionGroup var filter: FilterOptions

    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var encoderOptions: EncoderOptions
    @OptionGroup var runOptions: RunOptions

    @OptionGroup var segments: SegmentOptions

    func validate() throws {
        try filter.check()
    }

    func run() throws {
        try Failure.guarded {
            var job = FilterJob(input: source.input, output: outputOptions.output, processor: try filter.makeProcessor())
            job.source = try source.frameInput()
            job.format = outputOptions.format
            outputOptions.apply(to: &job)
            job.encoder = encoderOptions.settings()
            runOptions.apply(to: &job, defaultBatch: 8)
            Interruption.install()
            job.segmentTask = try segments.task(input: source.input, output: job.output)
            let summary = try FilterRunner(job: job).run()
            Report.finished(summary, output: job.segmentTask?.partPath ?? job.output, format: runOptions.summary)
            if let code = Interruption.exitCode { throw ExitCode(code) }
        }
    }
}
