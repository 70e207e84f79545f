import ArgumentParser
import ConvoyMedia
import ConvoyPipeline

/// Where a command's frames come from, as every command that reads video takes it: a file, a URL,
/// a picture, a folder of pictures, an image sequence pattern, `-` for a container on standard
/// input (y4m included), or `-` with `--raw` for headerless frames.
struct InputOptions: ParsableArguments {
    @Argument(help: "The input file or URL, a picture, a folder of pictures (read in name order) or an image sequence pattern (img%03d.png). Use - to read a container (or, with --raw, raw frames) from standard input.")
    var input: String

    @Option(help: "Read headerless raw frames: WIDTHxHEIGHT:PIXFMT@RATE, such as 1920x1080:rgb24@30 (y4m needs no flag).")
    var raw: String?

    func validate() throws {
        if let raw {
            do { _ = try RawVideoFormat(parsing: raw) } catch { throw ValidationError(String(describing: error)) }
        }
    }

    /// The input as jobs take it.
    func frameInput() throws -> FrameInput {
        FrameInput(input, raw: try raw.map { try RawVideoFormat(parsing: $0) })
    }
}
