import ConvoyTensor

extension ReLU: DifferentiableLayer {
    /// `dx += x > 0 ? dy : 0` (the gradient at 0 is 0, as PyTorch's).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let x = input.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        context.forEachChunk(input.count) { range in
            // A select, not a branch: the sign of x is random, a branch would mispredict half the time.
            for i in range {
                let g = dy[i]
                dx[i] += x[i] > 0 ? g : 0
            }
        }
    }
}
