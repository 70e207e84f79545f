import ConvoyTensor

/// Moves `b × b` blocks of space into channels, as ONNX `SpaceToDepth` (the inverse of
/// `DepthToSpace` in DCR mode):
///
///     input  [batch, channels, height * b, width * b]
///     output [batch, channels * b * b, height, width]
///     output[n, (i * b + j) * channels + c, y, x] = input[n, c, y * b + i, x * b + j]
///
/// for `0 <= i, j < b` (ONNX's reshape to `[N, C, H/b, b, W/b, b]`, transpose `[0, 3, 5, 1, 2,
/// 4]`). Height and width must be multiples of `b`.
public final class SpaceToDepth: Layer {
    /// `b`: the block's rows and columns.
    public let blockSize: Int

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveBlockSize` when the block size is below 1,
    ///   `.parameterOutOfRange` when it is above 2^20.
    public init(blockSize: Int) throws {
        guard blockSize >= 1 else {
            throw LayerConfigurationError.nonPositiveBlockSize(blockSize)
        }
        try OutputSize.check("space-to-depth block size", blockSize)
        self.blockSize = blockSize
    }

    /// `[batch, channels * b², height / b, width / b]`.
    ///
    /// - Precondition: rank 4 with height and width multiples of `b`.
    public func outputShape(for input: Shape) -> Shape {
        let b = blockSize
        precondition(input.rank == 4 && input.h % b == 0 && input.w % b == 0, "SpaceToDepth(\(b)) needs [N, C, H·\(b), W·\(b)], got \(input)")
        return Shape(input.n, input.c * b * b, input.h / b, input.w / b)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4, its height or width is not a
    /// multiple of `b`, or it is empty.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.h % blockSize == 0, input.w % blockSize == 0, input.h >= 1, input.w >= 1 else {
            throw LayerConfigurationError.sizeNotDivisible(height: input.h, width: input.w, divisor: blockSize)
        }
        return outputShape(for: input)
    }

    /// Writes the rearranged input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "SpaceToDepth output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "SpaceToDepth cannot run in place")
        let (b, channels) = (blockSize, input.shape.c)
        PlaneRearrangement.gather(input, into: output, blockSize: b, context: context) { c, i, j in (i * b + j) * channels + c }
    }
}
