import ConvoyNN
import ConvoyTensor

/// An identity layer that counts its backward calls and whether it was asked for an input
/// gradient, for `TrainableGraph` tests.
final class BackwardCounter: DifferentiableLayer {
    private(set) var backwardCalls = 0
    private(set) var inputGradientRequests = 0

    func outputShape(for input: Shape) -> Shape {
        input
    }

    func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        output.pointer.update(from: input.pointer, count: input.count)
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                  parameterGradients: [Tensor], context: ExecutionContext) {
        backwardCalls += 1
        guard let inputGradient = inputGradient else { return }
        inputGradientRequests += 1
        for i in 0..<input.count { inputGradient.pointer[i] += outputGradient.pointer[i] }
    }
}
