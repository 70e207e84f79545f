import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import Foundation

/// A training run's state between two steps, as one safetensors file: the model's parameters
/// (`model.<name>`), the optimizer's state (`optimizer.<name>`: step count, momentum or moment
/// buffers), and in the metadata the step, the sample generator's state and the settings the data
/// order depends on. Written through a temporary file and a rename, so a checkpoint on disk is
/// always whole.
struct TrainingCheckpoint {
    /// The metadata key that marks a Convoy checkpoint, and its format version.
    static let formatKey = "convoy_checkpoint"
    static let formatVersion = "1"
    /// Settings a resumed run must share with the checkpoint for its data to continue exactly.
    static let dataSettings = ["seed", "batch", "crop", "pairs", "training_pairs", "shuffle_buffer", "optimizer"]

    var step: Int
    var generatorState: UInt64
    var parameters: [String: Tensor]
    var optimizerState: [String: Tensor]
    var settings: [String: String]

    /// Writes the checkpoint to `path`.
    static func write(path: String, parameters: [(name: String, tensor: Tensor)], optimizerState: [(name: String, tensor: Tensor)],
                      step: Int, generatorState: UInt64, settings: [String: String]) throws {
        var metadata = settings
        metadata[formatKey] = formatVersion
        metadata["step"] = String(step)
        metadata["generator_state"] = String(generatorState)
        let tensors = parameters.map { (name: "model." + $0.name, tensor: $0.tensor) }
            + optimizerState.map { (name: "optimizer." + $0.name, tensor: $0.tensor) }
        do {
            try SafeTensorsFile.write(tensors, metadata: metadata, to: path)
        } catch let error as SafeTensorsError {
            throw ConvoyError(error.description, exitCode: ConvoyError.cannotCreate)
        }
    }

    /// Reads the checkpoint at `path`.
    ///
    /// - Throws: `ConvoyError` naming the file when it is missing, unreadable, or not a Convoy
    ///   checkpoint.
    static func read(path: String) throws -> TrainingCheckpoint {
        let file: SafeTensorsFile
        let tensors: [String: Tensor]
        do {
            file = try SafeTensorsFile(path: path)
            tensors = try file.allTensors()
        } catch let error as SafeTensorsError {
            throw ConvoyError("\(error.description) (reading the checkpoint)",
                              exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        }
        let metadata = file.metadata ?? [:]
        guard metadata[formatKey] == formatVersion, let step = metadata["step"].flatMap({ Int($0) }), step >= 0,
              let state = metadata["generator_state"].flatMap({ UInt64($0) }) else {
            throw ConvoyError("\(path): not a Convoy training checkpoint (its metadata lacks the step and generator state).",
                              exitCode: ConvoyError.dataError)
        }
        var parameters: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        for (name, tensor) in tensors {
            if name.hasPrefix("model.") {
                parameters[String(name.dropFirst(6))] = tensor
            } else if name.hasPrefix("optimizer.") {
                optimizer[String(name.dropFirst(10))] = tensor
            } else {
                throw ConvoyError("\(path): the checkpoint holds \"\(name)\", neither a model nor an optimizer tensor.", exitCode: ConvoyError.dataError)
            }
        }
        let settings = metadata.filter { dataSettings.contains($0.key) }
        return TrainingCheckpoint(step: step, generatorState: state, parameters: parameters, optimizerState: optimizer, settings: settings)
    }
}
