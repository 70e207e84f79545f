import ConvoyFilters
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import Foundation
import FuzzDriver

/// Any text as a pipeline file: it must be refused with a one-line `ConvoyError` (exit 65), or
/// parse into settings within range whose kernel chain builds and filters a 9×11 plane.
@main
enum FuzzPipelineYAML {
    static func main() {
        Fuzzer.run { data in
            let text = String(decoding: data, as: UTF8.self)
            do {
                let spec = try PipelineSpec.parse(text, name: "fuzz.yaml")
                guard spec.batch >= 1 else { Fuzzer.fail("batch \(spec.batch)") }
                guard let chain = spec.chain else {
                    guard spec.model != nil else { Fuzzer.fail("neither kernels nor a model") }
                    return
                }
                let input = Shape(1, 1, 9, 11)
                let layer = try chain.makeLayer()
                let output = Tensor(shape: try layer.validatedOutputShape(for: input))
                layer.forward(Tensor(shape: input, values: (0 ..< input.count).map { Float($0 % 13) / 13 }), into: output,
                              context: ExecutionContext())
            } catch let error as ConvoyError {
                guard error.exitCode == ConvoyError.dataError, Fuzzer.isOneLine(error.message) else {
                    Fuzzer.fail("bad refusal (\(error.exitCode)): \(error.message)")
                }
            } catch {
                Fuzzer.fail("unexpected error type: \(type(of: error)): \(error)")
            }
        }
    }
}
