import ConvoyTensor

extension Upsample: DifferentiableLayer {
    /// The transpose of `forward`: nearest adds each `scale.y × scale.x` block of the output
    /// gradient to the sample it copied; bilinear adds each output's gradient to its four source
    /// samples with the interpolation weights.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        guard let inputGradient = inputGradient else { return }
        let (height, width) = (input.shape.h, input.shape.w)
        let (outputHeight, outputWidth) = (output.shape.h, output.shape.w)
        let planes = input.shape.n * input.shape.c
        switch mode {
        case .nearest:
            for plane in 0..<planes {
                let into = inputGradient.pointer + plane * height * width
                let dy = outputGradient.pointer + plane * outputHeight * outputWidth
                for oy in 0..<outputHeight {
                    let target = into + (oy / scale.y) * width
                    let line = dy + oy * outputWidth
                    for ox in 0..<outputWidth {
                        target[ox / scale.x] += line[ox]
                    }
                }
            }
        case .bilinear:
            let rows = Upsample.taps(input: height, scale: scale.y, alignCorners: alignCorners)
            let columns = Upsample.taps(input: width, scale: scale.x, alignCorners: alignCorners)
            for plane in 0..<planes {
                let into = inputGradient.pointer + plane * height * width
                var dy = UnsafePointer(outputGradient.pointer + plane * outputHeight * outputWidth)
                for row in rows {
                    let top = into + row.first * width
                    let bottom = into + row.second * width
                    for column in columns {
                        let g = dy.pointee
                        let upper = row.firstWeight * g
                        let lower = row.secondWeight * g
                        top[column.first] += column.firstWeight * upper
                        top[column.second] += column.secondWeight * upper
                        bottom[column.first] += column.firstWeight * lower
                        bottom[column.second] += column.secondWeight * lower
                        dy += 1
                    }
                }
            }
        }
    }
}
