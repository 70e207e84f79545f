#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// Softmax over the channel axis, as PyTorch's `nn.Softmax(dim=1)` on NCHW: at every pixel the
/// channel values become probabilities that sum to 1.
///
///     output[n, c, y, x] = exp(input[n, c, y, x] - m) / Σ_k exp(input[n, k, y, x] - m)
///
/// where `m = max_k input[n, k, y, x]`; subtracting it keeps `exp` from overflowing, so inputs of
/// any magnitude give finite results. Shapes: input and output `[batch, channels, height, width]`.
/// `input` and `output` may be the same tensor.
public final class ChannelSoftmax: InPlaceLayer {
    /// Pixels handled together: their running maxima and sums live on the stack.
    private static let tile = 512

    public init() {}

    /// The input shape, unchanged.
    ///
    /// - Precondition: rank 4.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "ChannelSoftmax input must be rank 4 NCHW, got \(input)")
        return input
    }

    /// Writes the channel softmax of `input` into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "ChannelSoftmax output \(output.shape) must match input \(shape)")
        guard shape.count > 0 else {
            return
        }
        let channels = shape.c
        let plane = shape.h * shape.w
        let tile = ChannelSoftmax.tile
        let tilesPerImage = (plane + tile - 1) / tile
        let source = input.pointer
        let destination = output.pointer
        context.forEachTask(shape.n * tilesPerImage, elements: shape.count) { task in
            let n = task / tilesPerImage
            let start = (task % tilesPerImage) * tile
            let count = min(tile, plane - start)
            let from = source + n * channels * plane + start
            let to = destination + n * channels * plane + start
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * tile) { scratch in
                let maxima = scratch.baseAddress!
                let sums = maxima + tile
                maxima.update(from: from, count: count)
                for c in 1..<channels {
                    let values = from + c * plane
                    for i in 0..<count {
                        maxima[i] = max(maxima[i], values[i])
                    }
                }
                sums.update(repeating: 0, count: count)
                for c in 0..<channels {
                    let values = from + c * plane
                    let results = to + c * plane
                    for i in 0..<count {
                        let e = expf(values[i] - maxima[i])
                        results[i] = e
                        sums[i] += e
                    }
                }
                for i in 0..<count {
                    sums[i] = 1 / sums[i]
                }
                for c in 0..<channels {
                    let results = to + c * plane
                    for i in 0..<count {
                        results[i] *= sums[i]
                    }
                }
            }
        }
    }
}
