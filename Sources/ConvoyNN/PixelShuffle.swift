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

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveUpscaleFactor` when the factor is below 1.
    public init(upscaleFactor: Int) throws {
        guard upscaleFactor >= 1 else {
            throw LayerConfigurationError.nonPositiveUpscaleFactor(upscaleFactor)
        }
        self.upscaleFactor = upscaleFactor
    }

    /// `[batch, channels / r², height * r, width * r]`.
    ///
    /// - Precondition: rank 4 with channels divisible by `r²`.
    public func outputShape(for input: Shape) -> Shape {
        let r = upscaleFactor
        precondition(input.rank == 4 && input.c % (r * r) == 0, "PixelShuffle(\(r)) needs [N, C·\(r * r), H, W], got \(input)")
        return Shape(input.n, input.c / (r * r), input.h * r, input.w * r)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or its channels are not a
    /// multiple of `r²`.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c % (upscaleFactor * upscaleFactor) == 0 else {
            throw LayerConfigurationError.channelsNotDivisible(channels: input.c, divisor: upscaleFactor * upscaleFactor)
        }
        return outputShape(for: input)
    }

    /// Writes the rearranged input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "PixelShuffle output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "PixelShuffle cannot run in place")
        let r = upscaleFactor
        let (height, width) = (input.shape.h, input.shape.w)
        let plane = height * width
        let outputWidth = width * r
        let source = input.pointer
        let destination = output.pointer
        // One task per output plane (n, c); it reads the r² input planes of channel c.
        context.forEachTask(shape.n * shape.c, elements: output.count) { outputPlane in
            let to = destination + outputPlane * plane * r * r
            for i in 0..<r {
                for j in 0..<r {
                    let from = source + (outputPlane * r * r + i * r + j) * plane
                    for y in 0..<height {
                        let line = from + y * width
                        var target = to + (y * r + i) * outputWidth + j
                        for x in 0..<width {
                            target.pointee = line[x]
                            target += r
                        }
                    }
                }
            }
        }
    }
}
