import ArgumentParser
import ConvoyPipeline

/// `convoy model`: describes a model file.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print a model's layers as Convoy runs them, their output shapes for a given frame size, the parameter count, the FLOPs per frame and, for ONNX, what was folded at load."
    )

    @Argument(help: "The model file (YAML or ONNX).")
    var path: String

    @OptionGroup var input: ModelInputArguments

    @Option(help: "The frame size to compute shapes for, as WIDTHxHEIGHT.")
    var size = "1280x720"

    func run() throws {
        try Failure.guarded {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                throw ConvoyError("\(size): a size is WIDTHxHEIGHT, such as 1280x720.", exitCode: ConvoyError.usage)
            }
            print(try ModelFiles.summary(path, width: parts[0], height: parts[1], input: input.options))
        }
    }
}
