import ConvoyTensor

extension GlobalAvgPool2d: DifferentiableLayer {
    /// `dx[n, c, y, x] += dy[n, c] / (H · W)`.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let plane = input.shape.h * input.shape.w
        for task in 0..<(input.shape.n * input.shape.c) {
            let share = outputGradient.pointer[task] / Float(plane)
            let into = inputGradient.pointer + task * plane
            for i in 0..<plane { into[i] += share }
        }
    }
}
