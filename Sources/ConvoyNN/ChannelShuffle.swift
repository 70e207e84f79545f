import ConvoyTensor

/// Interleaves channel groups, as ShuffleNet's channel shuffle (PyTorch's
/// `nn.ChannelShuffle(groups)`, which exporters write as ONNX `Reshape` to
/// `[N, groups, C / groups, H, W]`, `Transpose` `[0, 2, 1, 3, 4]`, `Reshape` back):
///
///     input  [batch, channels, height, width], channels = groups * k
///     output [batch, channels, height, width]
///     output[n, j * groups + g, y, x] = input[n, g * k + j, y, x]     (0 <= g < groups, 0 <= j < k)
public final class ChannelShuffle: Layer {
    /// The number of groups the channels are split into before interleaving.
    public let groups: Int

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveGroups` when `groups` is below 1,
    ///   `.parameterOutOfRange` when it is above 2^20.
    public init(groups: Int) throws {
        guard groups >= 1 else {
            throw LayerConfigurationError.nonPositiveGroups(groups)
        }
        try OutputSize.check("channel shuffle groups", groups)
        self.groups = groups
    }

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4 with channels divisible by `groups`.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.c % groups == 0, "ChannelShuffle(\(groups)) got \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or its channels are not a
    /// multiple of `groups`.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c % groups == 0 else {
            throw LayerConfigurationError.channelsNotDivisible(channels: input.c, divisor: groups)
        }
        return input
    }

    /// Copies each input plane to its shuffled place in `output`, which must not share storage
    /// with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "ChannelShuffle output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "ChannelShuffle cannot run in place")
        let groups = self.groups
        let perGroup = shape.c / groups
        // Output channel j·groups + g is input channel g·perGroup + j.
        PlaneRearrangement.spread(input, into: output, blockSize: 1, context: context) { c, _, _ in (c % groups) * perGroup + c / groups }
    }
}
