import ConvoyTensor

extension AvgPool2d: DifferentiableLayer {
    /// Spreads each output's gradient evenly over the input samples of its window, divided by
    /// the same divisor as `forward` (padding counted or not, or the override).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let shape = output.shape
        let rows = PoolingWindow.spans(outputs: shape.h, input: input.shape.h, kernel: kernel.y, stride: stride.y, padding: padding.y)
        let columns = PoolingWindow.spans(outputs: shape.w, input: input.shape.w, kernel: kernel.x, stride: stride.x, padding: padding.x)
        let inputWidth = input.shape.w
        let inputPlane = input.shape.h * inputWidth
        let outputPlane = shape.h * shape.w
        for plane in 0..<(shape.n * shape.c) {
            let into = inputGradient.pointer + plane * inputPlane
            var dy = outputGradient.pointer + plane * outputPlane
            for row in rows {
                for column in columns {
                    let share = dy.pointee / divisor(row: row, column: column)
                    for y in row.start..<row.end {
                        for x in column.start..<column.end {
                            into[y * inputWidth + x] += share
                        }
                    }
                    dy += 1
                }
            }
        }
    }
}
