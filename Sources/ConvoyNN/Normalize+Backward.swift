import ConvoyTensor

extension Normalize: DifferentiableLayer {
    /// `dx += dy · scale / std[c]` (the affine map's slope).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let shape = input.shape
        let plane = shape.h * shape.w
        let dy = outputGradient.pointer, dx = inputGradient.pointer
        for task in 0..<(shape.n * shape.c) {
            let c = task % shape.c
            let slope = Float(Double(scale) / Double(std[std.count == 1 ? 0 : c]))
            for i in (task * plane)..<((task + 1) * plane) {
                dx[i] += dy[i] * slope
            }
        }
    }
}
