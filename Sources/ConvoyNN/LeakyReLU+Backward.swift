import ConvoyTensor

extension LeakyReLU: DifferentiableLayer {
    /// `dx += x > 0 ? dy : negativeSlope · dy`.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let x = input.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        let slope = negativeSlope
        context.forEachChunk(input.count) { range in
            for i in range {
                dx[i] += x[i] > 0 ? dy[i] : slope * dy[i]
            }
        }
    }
}
