import ConvoyWeights

/// Loads model files for the commands, turning the loaders' errors into exit-coded one-liners.
public enum ModelFiles {
    /// Loads the model at `path` and its weights: `weights` when given, else the file the model
    /// names, else the one beside it ending in `.safetensors`.
    public static func load(_ path: String, weights: String? = nil) throws -> LoadedModel {
        do {
            return try ModelLoader.load(modelPath: path, weightsPath: weights)
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
    public static func summary(_ path: String, width: Int, height: Int) throws -> String {
        let model = try load(path)
        do {
            return try model.summary(inputHeight: height, inputWidth: width)
        } catch let error as ModelError {
            throw ConvoyError(error.description, exitCode: ConvoyError.dataError)
        } catch {
            throw ConvoyError("\(path): the model cannot run on \(width)×\(height) frames (\(error)).", exitCode: ConvoyError.dataError)
        }
    }
}
