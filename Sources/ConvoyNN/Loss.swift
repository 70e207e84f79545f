#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// A training loss comparing a model output with its target, with PyTorch's mean reduction.
///
/// `evaluate` returns the loss (accumulated in `Double`) and, when given a tensor, overwrites it
/// with the gradient of the loss with respect to the prediction, ready for
/// `TrainableGraph.backward(outputGradients:context:)`.
public enum Loss: String, CaseIterable, Sendable {
    /// Mean squared error, `Σ (p − t)² / count` (`nn.MSELoss()`); gradient `2 (p − t) / count`.
    case mse
    /// Mean absolute error, `Σ |p − t| / count` (`nn.L1Loss()`); gradient `sign(p − t) / count`,
    /// with `sign(0) = 0` as PyTorch.
    case l1
    /// Per-pixel cross-entropy of a probability output: the prediction `p` is
    /// `[N, C, H, W]` **probabilities** over the channels of each pixel (for instance the output
    /// of a `softmax` layer, not logits); the target `t`, same shape, holds target probabilities
    /// (one-hot or soft) over the channels. The loss is the mean over the `N · H · W` pixels of
    /// `−Σ_c t_c · log(max(p_c, 1e-7))`; the gradient is `−t_c / max(p_c, 1e-7) / (N · H · W)`
    /// (probabilities below 1e-7 are clamped so a confident mistake gives a finite loss). With a
    /// softmax before it and targets summing to 1 per pixel, the gradient reaching the logits is
    /// `(p − t) / (N · H · W)`, as `nn.CrossEntropyLoss` with probability targets.
    case crossEntropy = "cross_entropy"

    /// The smallest probability `crossEntropy` takes the logarithm of.
    public static let probabilityFloor: Float = 1e-7

    /// Computes the loss of `prediction` against `target` (same shape) and, when `gradient` is
    /// given (same shape, may not share storage with either), writes the loss's gradient with
    /// respect to `prediction` into it.
    ///
    /// - Precondition: shapes match; `crossEntropy` needs rank-4 tensors.
    @discardableResult
    public func evaluate(prediction: Tensor, target: Tensor, gradient: Tensor? = nil) -> Double {
        precondition(prediction.shape == target.shape, "Loss: prediction \(prediction.shape) and target \(target.shape) differ")
        if let gradient = gradient {
            precondition(gradient.shape == prediction.shape, "Loss: gradient \(gradient.shape) must be \(prediction.shape)")
        }
        let count = prediction.count
        guard count > 0 else { return 0 }
        let p = prediction.pointer, t = target.pointer
        let g = gradient?.pointer
        var sum: Double = 0
        switch self {
        case .mse:
            let scale = 2 / Float(count)
            for i in 0..<count {
                let difference = p[i] - t[i]
                sum += Double(difference) * Double(difference)
                g?[i] = scale * difference
            }
            return sum / Double(count)
        case .l1:
            let scale = 1 / Float(count)
            for i in 0..<count {
                let difference = p[i] - t[i]
                sum += Double(abs(difference))
                g?[i] = difference > 0 ? scale : (difference < 0 ? -scale : 0)
            }
            return sum / Double(count)
        case .crossEntropy:
            precondition(prediction.shape.rank == 4, "Loss cross_entropy needs [N, C, H, W] tensors, got \(prediction.shape)")
            let pixels = prediction.shape.n * prediction.shape.h * prediction.shape.w
            let scale = 1 / Float(pixels)
            for i in 0..<count {
                let probability = max(p[i], Loss.probabilityFloor)
                sum -= Double(t[i]) * log(Double(probability))
                g?[i] = -t[i] / probability * scale
            }
            return sum / Double(pixels)
        }
    }
}
