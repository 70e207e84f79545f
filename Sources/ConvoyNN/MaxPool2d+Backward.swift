import ConvoyTensor

extension MaxPool2d: DifferentiableLayer {
    /// Routes each output's gradient to the input sample its window took the maximum from (the
    /// first one in row-major window order on ties or NaN, as `forward` picks it), adding where
    /// windows overlap.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let shape = output.shape
        let (stepY, stepX) = dilation
        let rows = PoolingWindow.spans(outputs: shape.h, input: input.shape.h, kernel: kernel.y, stride: stride.y, padding: padding.y, dilation: stepY)
        let columns = PoolingWindow.spans(outputs: shape.w, input: input.shape.w, kernel: kernel.x, stride: stride.x, padding: padding.x, dilation: stepX)
        let inputWidth = input.shape.w
        let inputPlane = input.shape.h * inputWidth
        let outputPlane = shape.h * shape.w
        for plane in 0..<(shape.n * shape.c) {
            let from = input.pointer + plane * inputPlane
            let into = inputGradient.pointer + plane * inputPlane
            var dy = outputGradient.pointer + plane * outputPlane
            for row in rows {
                for column in columns {
                    var best = -Float.infinity
                    var where_ = row.start * inputWidth + column.start
                    search: for y in Swift.stride(from: row.start, to: row.end, by: stepY) {
                        for x in Swift.stride(from: column.start, to: column.end, by: stepX) {
                            let value = from[y * inputWidth + x]
                            if value.isNaN {
                                where_ = y * inputWidth + x
                                break search
                            }
                            if value > best {
                                best = value
                                where_ = y * inputWidth + x
                            }
                        }
                    }
                    into[where_] += dy.pointee
                    dy += 1
                }
            }
        }
    }
}
