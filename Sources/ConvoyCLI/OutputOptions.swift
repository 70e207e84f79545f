import ArgumentParser
import ConvoyPipeline

/// Where the result goes.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The output file. A picture's extension (.png, .jpg, .tif, .bmp, .webp) writes one picture; a name with a number pattern (out%03d.png) writes one picture per frame; a folder (out/) writes one picture per frame named after the input's pictures, or numbered. Use - to write a streamable container (matroska unless --format says otherwise) to standard output.")
    var output: String

    @Option(help: "The container format, as ffmpeg names it (mp4, matroska, nut, mpegts, …). By default it follows the output's extension.")
    var format: String?

    @Option(name: .customLong("image-format"), help: "The file type of the pictures a folder output (-o dir/) writes: png, jpg, tiff or bmp. The default is png.")
    var imageFormat: ImageFormatChoice?

    @Option(name: .customLong("start-number"), help: "The first number of an image sequence pattern (img%03d.png), in the input and in the output, as ffmpeg's -start_number. By default the input's is found among 0 to 4 and the output starts at 1.")
    var startNumber: Int?

    @Flag(name: .customShort("y"), help: "Replace the output if it exists. The input is never replaced.")
    var overwrite = false

    func validate() throws {
        if let startNumber, startNumber < 0 { throw ValidationError("The start number must not be negative.") }
    }

    /// Fills the output fields of `job` other than its name and container format.
    func apply(to job: inout FilterJob) {
        job.overwrite = overwrite
        job.imageFormat = imageFormat?.rawValue
        job.startNumber = startNumber
    }
}
