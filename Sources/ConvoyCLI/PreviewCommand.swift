import ArgumentParser
import ConvoyPipeline
import ConvoyTensor

/// `convoy preview`: a before/after contact sheet.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw a PNG contact sheet of a few frames before and after a filter.",
        discussion: """
        Examples:
          convoy preview clip.mp4 --kernel sobel --space luma --chroma neutral -o sheet.png
          convoy preview clip.mp4 --model Samples/Models/denoise.yaml -o sheet.png --frames 6
          convoy preview photo.jpg --kernel gaussian:sigma=2,size=9 -o sheet.png
          convoy preview photos/ --kernel sharpen -o sheet.png
        """
    )

    @OptionGroup var source: InputOptions

    @OptionGroup var filter: FilterOptions

    @Option(name: .shortAndLong, help: "The PNG file to write.")
    var output: String

    @Option(help: "How many frames to show, spread evenly over the video.")
    var frames = 4

    @Option(help: "The width of each picture on the sheet, in pixels.")
    var width = 480

    @Flag(name: .customLong("no-autorotate"), help: "Filter frames as they are stored instead of turning them upright as the input's display matrix says (ffmpeg's -noautorotate).")
    var noAutorotate = false

    @Flag(name: .customShort("y"), help: "Replace the output if it exists.")
    var overwrite = false

    func validate() throws {
        try filter.check()
        if !(1...64).contains(frames) { throw ValidationError("--frames must be between 1 and 64.") }
        if !(16...4096).contains(width) { throw ValidationError("--width must be between 16 and 4096.") }
    }

    func run() throws {
        try Failure.guarded {
            var job = PreviewJob(input: source.input, output: output, processor: try filter.makeProcessor())
            job.source = try source.frameInput()
            job.frames = frames
            job.cellWidth = width & ~1
            job.overwrite = overwrite
            job.autorotate = !noAutorotate
            try PreviewRenderer.render(job)
            Log.info("contact sheet written to \(output).")
        }
    }
}
