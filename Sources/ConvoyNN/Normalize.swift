import ConvoyTensor

/// Per-channel normalisation, as torchvision's `transforms.Normalize` after an optional scale
/// (for instance `1 / 255` to bring 8-bit samples to `0 ... 1` first):
///
///     output[n, c, y, x] = (input[n, c, y, x] * scale - mean[c]) / std[c]
///
/// computed as `input * (scale / std[c]) + (-mean[c] / std[c])` with both factors worked out in
/// `Double` at `init`. `mean` and `std` each hold one value per channel or one value for all
/// channels. Shapes: input and output `[batch, channels, height, width]`. `input` and `output`
/// may be the same tensor.
public final class Normalize: InPlaceLayer {
    /// Subtracted after scaling: one value per channel, or one for all.
    public let mean: [Float]
    /// Divides after subtracting the mean: one value per channel, or one for all.
    public let std: [Float]
    /// Multiplies the input first.
    public let scale: Float

    private let multipliers: [Float]
    private let offsets: [Float]

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.parameterNotVector` when `mean` or `std` is empty,
    ///   `.parameterShapeMismatch` when their lengths differ and neither is 1, `.invalidParameter`
    ///   when a value or `scale` is not finite or a standard deviation is 0.
    public init(mean: [Float], std: [Float], scale: Float = 1) throws {
        guard !mean.isEmpty else {
            throw LayerConfigurationError.parameterNotVector(name: "normalize mean", shape: Shape(0))
        }
        guard !std.isEmpty else {
            throw LayerConfigurationError.parameterNotVector(name: "normalize std", shape: Shape(0))
        }
        guard mean.count == std.count || mean.count == 1 || std.count == 1 else {
            throw LayerConfigurationError.parameterShapeMismatch(name: "normalize std", expected: Shape(mean.count), actual: Shape(std.count))
        }
        guard scale.isFinite else {
            throw LayerConfigurationError.invalidParameter(name: "normalize scale", index: 0, value: scale, requirement: "finite")
        }
        if let index = mean.firstIndex(where: { !$0.isFinite }) {
            throw LayerConfigurationError.invalidParameter(name: "normalize mean", index: index, value: mean[index], requirement: "finite")
        }
        if let index = std.firstIndex(where: { !$0.isFinite || $0 == 0 }) {
            throw LayerConfigurationError.invalidParameter(name: "normalize std", index: index, value: std[index], requirement: "finite and non-zero")
        }
        self.mean = mean
        self.std = std
        self.scale = scale
        let count = max(mean.count, std.count)
        multipliers = (0..<count).map { c in Float(Double(scale) / Double(std[std.count == 1 ? 0 : c])) }
        offsets = (0..<count).map { c in Float(-Double(mean[mean.count == 1 ? 0 : c]) / Double(std[std.count == 1 ? 0 : c])) }
    }

    /// Whether the layer leaves every value as it is (each multiplier 1, each offset 0).
    public var isIdentity: Bool { multipliers.allSatisfy { $0 == 1 } && offsets.allSatisfy { $0 == 0 } }

    /// The channel count the layer needs, or nil when `mean` and `std` both have one value and
    /// any channel count will do.
    public var channels: Int? { multipliers.count == 1 ? nil : multipliers.count }

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4 with `channels` channels (when not nil).
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "Normalize input must be rank 4 NCHW, got \(input)")
        precondition(channels == nil || channels == input.c, "Normalize over \(multipliers.count) channels got \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has another channel count.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        if let channels = channels, channels != input.c {
            throw LayerConfigurationError.inputChannelMismatch(expected: channels, actual: input.c)
        }
        return input
    }

    /// Writes the normalised input into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "Normalize output \(output.shape) must match input \(shape)")
        let channels = shape.c
        let plane = shape.h * shape.w
        let source = input.pointer
        let destination = output.pointer
        multipliers.withUnsafeBufferPointer { multipliers in
            offsets.withUnsafeBufferPointer { offsets in
                let shared = multipliers.count == 1
                context.forEachTask(shape.n * channels, elements: shape.count) { task in
                    let c = shared ? 0 : task % channels
                    let a = multipliers[c]
                    let b = offsets[c]
                    let from = source + task * plane
                    let to = destination + task * plane
                    for i in 0..<plane {
                        to[i] = from[i] * a + b
                    }
                }
            }
        }
    }
}
