import ConvoyTensor

extension ChannelSoftmax: DifferentiableLayer {
    /// Per pixel, from the output probabilities `y`: `dx_c += y_c · (dy_c − Σ_k y_k · dy_k)`.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let channels = output.shape.c
        let plane = output.shape.h * output.shape.w
        for n in 0..<output.shape.n {
            let base = n * channels * plane
            let y = output.pointer + base, dy = outputGradient.pointer + base, dx = inputGradient.pointer + base
            for i in 0..<plane {
                var dot: Float = 0
                for c in 0..<channels { dot += y[c * plane + i] * dy[c * plane + i] }
                for c in 0..<channels {
                    let at = c * plane + i
                    dx[at] += y[at] * (dy[at] - dot)
                }
            }
        }
    }
}
