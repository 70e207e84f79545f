import ConvoyWeights

/// Loads model files for the commands, turning the loaders' errors into exit-coded one-liners.
public enum ModelFiles {
    /// Loads the model at `path`: an `.onnx` file (normalised as `input` says: scale, mean,
    /// std), or a YAML model file and its weights — `weights` when given, else the file the model
    /// names, else the one beside it ending in `.safetensors` — or the ONNX graph it names.
    /// `frameSize` is the frame size to build an ONNX graph for, when known.
    public static func load(_ path: String, weights: String? = nil, input: ModelInputOptions = ModelInputOptions(),
                            frameSize: SpatialPair? = nil) throws -> LoadedModel {
        do {
            if path.lowercased().hasSuffix(".onnx") {
                guard weights == nil else {
                    throw ConvoyError("\(path): an ONNX file holds its own weights; --weights goes with YAML models.", exitCode: ConvoyError.usage)
                }
                let model = try ONNXLoader.load(path: path, scale: input.scale ?? 255, mean: input.mean ?? [0], std: input.std ?? [1],
                                                frameSize: frameSize)
                model.precision = input.precision ?? model.precision
                return model
            }
            guard input.isEmpty else {
                throw ConvoyError("\(path): --scale, --mean and --std go with ONNX models; a YAML model's input: section says them.", exitCode: ConvoyError.usage)
            }
            let model = try ModelLoader.load(modelPath: path, weightsPath: weights, frameSize: frameSize)
            model.precision = input.precision ?? model.precision
            return model
        } catch let error as ModelError {
            throw ConvoyError(error.description, exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        } catch let error as SafeTensorsError {
            throw ConvoyError(error.description, exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        }
    }

    /// The weights file `load` reads for the model at `path`: the file's `weights:`, else the
    /// model's name ending in `.safetensors` (where `convoy train` writes by default).
    public static func defaultWeightsPath(_ path: String) throws -> String {
        do {
            return ModelLoader.defaultWeightsPath(modelPath: path, spec: try ModelSpec.load(path: path))
        } catch let error as ModelError {
            throw ConvoyError(error.description, exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        }
    }

    /// `convoy model`'s report: layers, output shapes for `width`×`height` frames, parameters, FLOPs.
    public static func summary(_ path: String, width: Int, height: Int, input: ModelInputOptions = ModelInputOptions()) throws -> String {
        let model = try load(path, input: input, frameSize: SpatialPair(y: height, x: width))
        do {
            return try model.summary(inputHeight: height, inputWidth: width)
        } catch let error as ModelError {
            throw ConvoyError(error.description, exitCode: ConvoyError.dataError)
        } catch {
            throw ConvoyError("\(path): the model cannot run on \(width)×\(height) frames (\(error)).", exitCode: ConvoyError.dataError)
        }
    }
}
