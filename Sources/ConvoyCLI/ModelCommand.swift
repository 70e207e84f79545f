import ArgumentParser
import ConvoyPipeline

/// `convoy model`: describes a model file.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print a model's layers, their output shapes for a given frame size, the parameter count and the FLOPs per frame."
    )

    @Argument(help: "The model file (YAML).")
    var path: String

    @Option(help: "The frame size to compute shapes for, as WIDTHxHEIGHT.")
    var size = "1280x720"

    func run() throws {
        try Failure.guarded {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                throw ConvoyError("\(size): a size is WIDTHxHEIGHT, such as 1280x720.", exitCode: ConvoyError.usage)
            }
            print(try ModelFiles.summary(path, width: parts[0], height: parts[1]))
        }
    }
}
