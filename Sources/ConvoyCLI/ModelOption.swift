import ArgumentParser
import ConvoyPipeline
import ConvoyWeights

/// `--model`: a learned network instead of fixed kernels, and `--weights` to take its weights
/// from another file (one `convoy train -o` wrote, say).
struct ModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: "A model file: an ONNX file (.onnx), or YAML (its weights are the safetensors file it names, or the file of the same name ending in .safetensors; or it names an ONNX graph with onnx:). A model with a fixed input size (an ONNX 224×224 classifier) gets every frame scaled to it.")
    var path: String?

    @Option(name: .customLong("weights"), help: "With --model: read the weights from this safetensors file instead of the one the model file names (for instance one written by convoy train -o).")
    var weights: String?

    @OptionGroup var input: ModelInputArguments

    func validate() throws {
        if weights != nil && path == nil { throw ValidationError("--weights goes with --model.") }
    }

    /// Loads the model and its weights.
    func load() throws -> LoadedModel {
        try ModelFiles.load(path!, weights: weights, input: input.options)
    }
}
