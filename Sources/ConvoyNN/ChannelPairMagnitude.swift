import ConvoyTensor

/// Euclidean length of consecutive channel pairs: input `[N, 2C, H, W]` → output `[N, C, H, W]`
/// with
///
///     output[n, c, y, x] = sqrt(input[n, 2c, y, x]² + input[n, 2c + 1, y, x]²)
///
/// Used for gradient magnitude: one convolution emits `(gx, gy)` pairs per channel in a single
/// GEMM, and this layer turns each pair into its magnitude.
public final class ChannelPairMagnitude: Layer {
    public init() {}

    /// `[N, C / 2, H, W]` for an input `[N, C, H, W]`.
    ///
    /// - Precondition: rank 4 with an even channel count.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.c % 2 == 0, "ChannelPairMagnitude needs [N, 2C, H, W], got \(input)")
        return Shape(input.n, input.c / 2, input.h, input.w)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has an odd channel count.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.c % 2 == 0 else {
            throw LayerConfigurationError.oddChannelCount(input.c)
        }
        return outputShape(for: input)
    }

    /// Writes the magnitude of each channel pair into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "ChannelPairMagnitude output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "ChannelPairMagnitude cannot run in place")
        let plane = shape.h * shape.w
        for n in 0..<shape.n {
            for c in 0..<shape.c {
                let first = input.pointer + (n * input.shape.c + 2 * c) * plane
                let second = first + plane
                let destination = output.pointer + (n * shape.c + c) * plane
                for i in 0..<plane {
                    let a = first[i]
                    let b = second[i]
                    destination[i] = (a * a + b * b).squareRoot()
                }
            }
        }
    }
}
