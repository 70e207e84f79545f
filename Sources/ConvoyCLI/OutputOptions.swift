import ArgumentParser

/// Where the result goes.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The output file. Use - to write a streamable container (matroska unless --format says otherwise) to standard output.")
    var output: String

    @Option(help: "The container format, as ffmpeg names it (mp4, matroska, nut, mpegts, …). By default it follows the output's extension.")
    var format: String?

    @Flag(name: .customShort("y"), help: "Replace the output if it exists. The input is never replaced.")
    var overwrite = false
}
