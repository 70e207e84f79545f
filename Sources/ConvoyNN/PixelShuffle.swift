import ConvoyTensor

/// Rearranges channels into space, as PyTorch's `nn.PixelShuffle(upscale_factor)` (the last
/// step of sub-pixel convolution super-resolution):
///
///     input  [batch, channels * r * r, height, width]
///     output [batch, channels, height * r, width * r]
///     output[n, c, y * r + i, x * r + j] = input[n, c * r * r + i * r + j, y, x]
///
/// for `0 <= i, j < r`.
public final class PixelShuffle: Layer {
    /// `r`: output rows per input row and columns per input column.
    public let upscaleFactor: Int
    /// The same rearrangement as ONNX names it (`DepthToSpace` in CRD order), which runs it.
    private let depthToSpace: DepthToSpace

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveUpscaleFactor` when the factor is below 1,
    ///   `.parameterOutOfRange` when it is above 2^20.
    public init(upscaleFactor: Int) throws {
        guard upscaleFactor >= 1 else {
            throw LayerConfigurationError.nonPositiveUpscaleFactor(upscaleFactor)
        }
        try OutputSize.check("pixel shuffle upscale factor", upscaleFactor)
        self.upscaleFactor = upscaleFactor
        depthToSpace = try DepthToSpace(blockSize: upscaleFactor, mode: .crd)
    }

    /// `[batch, channels / r², height * r, width * r]`.
    ///
    /// - Precondition: rank 4 with channels divisible by `r²`.
    public func outputShape(for input: Shape) -> Shape {
        depthToSpace.outputShape(for: input)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4, its channels are not a
    /// multiple of `r²` or the output would be too large.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        try depthToSpace.validatedOutputShape(for: input)
    }

    /// Writes the rearranged input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        depthToSpace.forward(input, into: output, context: context)
    }
}
