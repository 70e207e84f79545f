import ArgumentParser

/// `--model`: a learned network instead of fixed kernels.
struct ModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: "A model file (YAML architecture; its weights are the safetensors file it names, or the file of the same name ending in .safetensors).")
    var path: String?
}
