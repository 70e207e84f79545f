import ConvoyTensor

/// How an ONNX model's input is normalised (`--scale`, `--mean`, `--std`, or the same keys in a
/// pipeline file): `(pixel / scale - mean) / std` for 8-bit pixels, as a YAML model's `input:`
/// section says. Nil values take the defaults (255, 0, 1: the 0 … 1 frame itself).
///
/// It also carries `--precision` (or a pipeline file's `precision:`), which goes with any model
/// and overrides the model file's own `precision:`.
public struct ModelInputOptions: Equatable, Sendable {
    public var scale: Float?
    public var mean: [Float]?
    public var std: [Float]?
    /// What the model's convolutions compute in; nil keeps the model file's choice (FP32 by default).
    public var precision: NetworkPrecision?

    public init(scale: Float? = nil, mean: [Float]? = nil, std: [Float]? = nil, precision: NetworkPrecision? = nil) {
        self.scale = scale
        self.mean = mean
        self.std = std
        self.precision = precision
    }

    /// Whether no normalisation is set (the precision aside).
    public var isEmpty: Bool { scale == nil && mean == nil && std == nil }
}
