/// How an ONNX model's input is normalised (`--scale`, `--mean`, `--std`, or the same keys in a
/// pipeline file): `(pixel / scale - mean) / std` for 8-bit pixels, as a YAML model's `input:`
/// section says. Nil values take the defaults (255, 0, 1: the 0 … 1 frame itself).
public struct ModelInputOptions: Equatable, Sendable {
    public var scale: Float?
    public var mean: [Float]?
    public var std: [Float]?

    public init(scale: Float? = nil, mean: [Float]? = nil, std: [Float]? = nil) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }

    /// Whether nothing is set.
    public var isEmpty: Bool { scale == nil && mean == nil && std == nil }
}
