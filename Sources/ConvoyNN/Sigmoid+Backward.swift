import ConvoyTensor

extension Sigmoid: DifferentiableLayer {
    /// `dx += dy · y · (1 − y)`, from the output `y`.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let y = output.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                dx[i] += dy[i] * y[i] * (1 - y[i])
            }
        }
    }
}
