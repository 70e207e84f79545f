import ConvoyTensor

extension PixelShuffle: DifferentiableLayer {
    /// The inverse permutation of `forward`: input `(n, c·r² + i·r + j, y, x)` gets the gradient
    /// of output `(n, c, y·r + i, x·r + j)`.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let r = upscaleFactor
        let (height, width) = (input.shape.h, input.shape.w)
        let plane = height * width
        let outputWidth = width * r
        for outputPlane in 0..<(output.shape.n * output.shape.c) {
            let from = outputGradient.pointer + outputPlane * plane * r * r
            for i in 0..<r {
                for j in 0..<r {
                    let into = inputGradient.pointer + (outputPlane * r * r + i * r + j) * plane
                    for y in 0..<height {
                        let line = into + y * width
                        let source = from + (y * r + i) * outputWidth + j
                        for x in 0..<width {
                            line[x] += source[x * r]
                        }
                    }
                }
            }
        }
    }
}
