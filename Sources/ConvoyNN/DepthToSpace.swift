import ConvoyTensor

/// Moves blocks of channels into space, as ONNX `DepthToSpace` with block size `b`:
///
///     input  [batch, channels * b * b, height, width]
///     output [batch, channels, height * b, width * b]
///     DCR: output[n, c, y * b + i, x * b + j] = input[n, (i * b + j) * channels + c, y, x]
///     CRD: output[n, c, y * b + i, x * b + j] = input[n, c * b * b + i * b + j, y, x]
///
/// for `0 <= i, j < b` (ONNX's reshape to `[N, b, b, C, H, W]` then transpose `[0, 3, 4, 1, 5,
/// 2]` for DCR, reshape to `[N, C, b, b, H, W]` then `[0, 1, 4, 2, 5, 3]` for CRD). CRD is
/// `PixelShuffle(upscaleFactor: b)`.
public final class DepthToSpace: Layer {
    /// `b`: output rows per input row and columns per input column.
    public let blockSize: Int
    /// The channel order.
    public let mode: DepthToSpaceMode

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveBlockSize` when the block size is below 1,
    ///   `.parameterOutOfRange` when it is above 2^20.
    public init(blockSize: Int, mode: DepthToSpaceMode = .dcr) throws {
        guard blockSize >= 1 else {
            throw LayerConfigurationError.nonPositiveBlockSize(blockSize)
        }
        try OutputSize.check("depth-to-space block size", blockSize)
        self.blockSize = blockSize
        self.mode = mode
    }

    /// `[batch, channels / b², height * b, width * b]`.
    ///
    /// - Precondition: rank 4 with channels divisible by `b²`.
    public func outputShape(for input: Shape) -> Shape {
        let b = blockSize
        precondition(input.rank == 4 && input.c % (b * b) == 0, "DepthToSpace(\(b)) needs [N, C·\(b * b), H, W], got \(input)")
        return Shape(input.n, input.c / (b * b), input.h * b, input.w * b)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or its channels are not a
    /// multiple of `b²`.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c % (blockSize * blockSize) == 0 else {
            throw LayerConfigurationError.channelsNotDivisible(channels: input.c, divisor: blockSize * blockSize)
        }
        _ = try OutputSize.shape([input.n, input.c / (blockSize * blockSize), input.h * blockSize, input.w * blockSize], input: input)
        return outputShape(for: input)
    }

    /// Writes the rearranged input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "DepthToSpace output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "DepthToSpace cannot run in place")
        let (b, channels) = (blockSize, shape.c)
        switch mode {
        case .dcr: PlaneRearrangement.spread(input, into: output, blockSize: b, context: context) { c, i, j in (i * b + j) * channels + c }
        case .crd: PlaneRearrangement.spread(input, into: output, blockSize: b, context: context) { c, i, j in c * b * b + i * b + j }
        }
    }
}
