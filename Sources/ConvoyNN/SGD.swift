import ConvoyTensor

/// Stochastic gradient descent with momentum and weight decay, as `torch.optim.SGD` (dampening
/// 0, no Nesterov):
///
///     g = grad + weightDecay · p
///     b = momentum · b + g          (b starts at g; only when momentum ≠ 0)
///     p = p − learningRate · b      (or · g without momentum)
///
/// State: `<parameter>.momentum_buffer` per parameter (when momentum ≠ 0) and `step`.
public final class SGD: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// Momentum factor (0 for plain SGD).
    public let momentum: Float
    /// L2 penalty added to the gradient.
    public let weightDecay: Float
    /// Steps taken.
    public private(set) var stepCount = 0

    private var buffers = OptimizerBuffers(bufferNames: ["momentum_buffer"])

    /// Creates the optimizer.
    ///
    /// - Precondition: learning rate, momentum and weight decay non-negative.
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0,
                     "SGD needs non-negative learning rate, momentum and weight decay")
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [TrainableGraph.Parameter]) {
        for parameter in parameters {
            let p = parameter.value.pointer, grad = parameter.gradient.pointer
            let count = parameter.value.count
            if momentum != 0 {
                let firstStep = buffers.tensors[parameter.name + ".momentum_buffer"] == nil
                let b = buffers.buffer("momentum_buffer", for: parameter).pointer
                for i in 0..<count {
                    let g = grad[i] + weightDecay * p[i]
                    b[i] = firstStep ? g : momentum * b[i] + g
                    p[i] -= learningRate * b[i]
                }
            } else {
                for i in 0..<count {
                    p[i] -= learningRate * (grad[i] + weightDecay * p[i])
                }
            }
        }
        stepCount += 1
    }

    public var state: [(name: String, tensor: Tensor)] { buffers.state(stepCount: stepCount) }

    public func restore(_ tensors: [String: Tensor]) throws {
        stepCount = try buffers.restore(tensors)
    }
}
