#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// Local response normalisation across channels, as ONNX `LRN` (opset 1 on; AlexNet,
/// GoogLeNet) and PyTorch's `nn.LocalResponseNorm`:
///
///     squareSum[n, c, y, x] = Σ_{i = max(0, c - ⌊(size - 1) / 2⌋)}^{min(C - 1, c + ⌈(size - 1) / 2⌉)} input[n, i, y, x]²
///     output[n, c, y, x]    = input[n, c, y, x] / (bias + alpha / size * squareSum[n, c, y, x])^beta
///
/// (an even `size` reaches one channel further up than down, as ONNX specifies). ONNX's
/// defaults: `alpha = 1e-4`, `beta = 0.75`, `bias = 1`; `size` is required. Shapes: input and
/// output `[batch, channels, height, width]`.
public final class LocalResponseNorm: Layer {
    /// The number of channels summed over.
    public let size: Int
    /// The factor on the mean square.
    public let alpha: Float
    /// The exponent.
    public let beta: Float
    /// The constant added before the power (ONNX's `bias`, PyTorch's `k`).
    public let bias: Float

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.nonPositiveWindow` when `size` is below 1,
    ///   `.parameterOutOfRange` when it is above 2^20.
    public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, bias: Float = 1) throws {
        guard size >= 1 else {
            throw LayerConfigurationError.nonPositiveWindow(size)
        }
        try OutputSize.check("local response normalisation size", size)
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
    }

    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "LocalResponseNorm input must be rank 4 NCHW, got \(input)")
        return input
    }

    /// Writes the normalised input into `output`, which must not share storage with `input`
    /// (the output holds the square sums before it holds the result).
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "LocalResponseNorm output \(output.shape) must match input \(shape)")
        precondition(output.storage !== input.storage, "LocalResponseNorm cannot run in place")
        let channels = shape.c
        let plane = shape.h * shape.w
        let below = (size - 1) / 2
        let above = size - 1 - below
        let (factor, beta, bias) = (alpha / Float(size), self.beta, self.bias)
        let (source, destination) = (UnsafePointer(input.pointer), output.pointer)
        context.forEachTask(shape.n * channels, elements: shape.count * size) { task in
            let (n, c) = (task / channels, task % channels)
            let to = destination + task * plane
            to.update(repeating: 0, count: plane)
            for i in max(0, c - below)...min(channels - 1, c + above) {
                let from = source + (n * channels + i) * plane
                for p in 0..<plane {
                    to[p] += from[p] * from[p]
                }
            }
            let from = source + task * plane
            for p in 0..<plane {
                to[p] = from[p] / powf(bias + factor * to[p], beta)
            }
        }
    }
}
