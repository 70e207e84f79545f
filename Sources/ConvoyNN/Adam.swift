#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvoyTensor

/// Adam, as `torch.optim.Adam` (weight decay as an L2 term added to the gradient, no AMSGrad).
/// At step `t` (1 for the first):
///
///     g = grad + weightDecay · p
///     m = β1 · m + (1 − β1) · g
///     v = β2 · v + (1 − β2) · g²
///     p = p − learningRate / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
///
/// State: `<parameter>.exp_avg` (m), `<parameter>.exp_avg_sq` (v) per parameter, and `step`.
public final class Adam: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// Decay of the first moment estimate (β1).
    public let beta1: Float
    /// Decay of the second moment estimate (β2).
    public let beta2: Float
    /// Added to the denominator for stability.
    public let eps: Float
    /// L2 penalty added to the gradient.
    public let weightDecay: Float
    /// Steps taken.
    public private(set) var stepCount = 0

    private var buffers = OptimizerBuffers(bufferNames: ["exp_avg", "exp_avg_sq"])

    /// Creates the optimizer with PyTorch's defaults (β 0.9, 0.999; eps 1e-8).
    ///
    /// - Precondition: learning rate, eps and weight decay non-negative; betas in `0 ..< 1`.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && eps >= 0 && weightDecay >= 0, "Adam needs non-negative learning rate, eps and weight decay")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in 0 ..< 1")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [TrainableGraph.Parameter]) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t)
        let correction2 = 1 - pow(Double(beta2), t)
        let stepSize = Float(Double(learningRate) / correction1)
        let root2 = Float(correction2.squareRoot())
        for parameter in parameters {
            let p = parameter.value.pointer, grad = parameter.gradient.pointer
            let m = buffers.buffer("exp_avg", for: parameter).pointer
            let v = buffers.buffer("exp_avg_sq", for: parameter).pointer
            for i in 0..<parameter.value.count {
                let g = grad[i] + weightDecay * p[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
            }
        }
    }

    public var state: [(name: String, tensor: Tensor)] { buffers.state(stepCount: stepCount) }

    public func restore(_ tensors: [String: Tensor]) throws {
        stepCount = try buffers.restore(tensors)
    }
}
