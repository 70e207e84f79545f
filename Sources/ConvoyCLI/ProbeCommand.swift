import ArgumentParser
import ConvoyMedia
import ConvoyPipeline

/// `convoy probe`: describes an input's streams.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Print an input's streams: codec, size, frame rate, duration, colour properties, rotation and frame count.",
        discussion: "The frame count is counted by decoding when the container does not state it, or always with --count, since containers' counts are often wrong."
    )

    @Argument(help: "The input file or URL. Use - to read a container from standard input.")
    var input: String

    @Flag(help: "Count the frames by decoding the whole video even when the container states a count.")
    var count = false

    func run() throws {
        try Failure.guarded {
            FFmpegLog.panicOnly()
            print(try ProbeReport(input: input, countFrames: count).text)
        }
    }
}
