import ArgumentParser
import ConvoyPipeline
import ConvoyTensor

/// `--scale`, `--mean`, `--std`: how an ONNX model's input is normalised, as a YAML model's
/// `input:` section says it (ONNX files carry no normalisation); and `--precision`, what any
/// model's convolutions compute in.
struct ModelInputArguments: ParsableArguments {
    @Option(name: .customLong("scale"), help: "For an ONNX model: pixels (0 to 255) are divided by this first; 255 (the default) gives 0 to 1.")
    var scale: Float?

    @Option(name: .customLong("mean"), help: "For an ONNX model: subtracted after scaling, one number or one per channel separated by commas (0.485,0.456,0.406 for torchvision's ImageNet models). The default is 0.")
    var mean: String?

    @Option(name: .customLong("precision"), help: ArgumentHelp(
        "What the model's convolutions compute in: fp32, bf16 or bf16-only. The default is the model file's precision: key, or fp32.",
        discussion: "bf16 gives the convolutions bfloat16 inputs and weights and accumulates in FP32, on CPUs with AVX512_BF16 instructions (about twice as fast, features within 1% of FP32); on a CPU without them it says so in one line and runs FP32. bf16-only refuses to run there instead.",
        valueName: "precision"))
    var precision: NetworkPrecision?

    @Option(name: .customLong("std"), help: "For an ONNX model: divides after the mean, one number or one per channel separated by commas (0.229,0.224,0.225 for torchvision's ImageNet models). The default is 1.")
    var std: String?

    func validate() throws {
        if let scale, !(scale > 0 && scale.isFinite) { throw ValidationError("--scale must be a positive number.") }
        _ = try numbers(mean, "--mean")
        if let values = try numbers(std, "--std"), values.contains(where: { !($0 > 0) }) {
            throw ValidationError("--std must hold positive numbers.")
        }
    }

    private func numbers(_ text: String?, _ option: String) throws -> [Float]? {
        guard let text else { return nil }
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw ValidationError("\(option) takes numbers separated by commas, such as 0.485,0.456,0.406.")
        }
        return values.map { $0! }
    }

    /// The options as the loader takes them.
    var options: ModelInputOptions {
        ModelInputOptions(scale: scale, mean: try? numbers(mean, "--mean"), std: try? numbers(std, "--std"), precision: precision)
    }
}
