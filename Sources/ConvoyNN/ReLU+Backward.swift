import ConvoyTensor

extension ReLU: DifferentiableLayer {
    /// `dx += x > 0 ? dy : 0` (the gradient at 0 is 0, as PyTorch's).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let x = input.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        context.forEachChunk(input.count) { range in
            for i in range where x[i] > 0 {
                dx[i] += dy[i]
            }
        }
    }
}
