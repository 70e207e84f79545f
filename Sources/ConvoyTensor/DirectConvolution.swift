/// The slow, obviously correct 2-D convolution: nested loops over every output sample and kernel
/// tap, accumulating in `Double`. It is the reference `Convolution` is tested against.
///
/// Like PyTorch's `Conv2d` this is correlation (the kernel is not flipped):
///
///     output[n, o, oy, ox] = bias[o] + Σ_{cg, i, j} weight[o, cg, i, j]
///                            · input[n, g · I + cg, oy·sY + i·dY − pY, ox·sX + j·dX − pX]
///
/// where `g = o / (outChannels / groups)`, `I = inChannels / groups`, and samples outside the
/// input are read according to `geometry.border`.
public enum DirectConvolution {
    /// Convolves a batch.
    ///
    /// - Parameters:
    ///   - input: `[batch, inChannels, inputHeight, inputWidth]` (NCHW).
    ///   - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW).
    ///   - bias: `[outChannels]`, or `nil` for none.
    ///   - geometry: sizes, stride, padding, dilation, groups and border mode.
    /// - Returns: a new `[batch, outChannels, outputHeight, outputWidth]` tensor.
    public static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry) -> Tensor {
        precondition(input.shape == geometry.inputShape, "Input \(input.shape) does not match geometry \(geometry.inputShape)")
        precondition(weight.shape == geometry.weightShape, "Weight \(weight.shape) does not match geometry \(geometry.weightShape)")
        if let bias = bias {
            precondition(bias.shape == Shape(geometry.outChannels), "Bias \(bias.shape) must be [\(geometry.outChannels)]")
        }
        let g = geometry
        let output = Tensor(shape: g.outputShape)
        let x = input.pointer
        let w = weight.pointer
        let y = output.pointer
        let inPerGroup = g.inChannelsPerGroup
        let outPerGroup = g.outChannelsPerGroup
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / outPerGroup
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        var sum: Double = bias.map { Double($0.pointer[o]) } ?? 0
                        for cg in 0..<inPerGroup {
                            let c = group * inPerGroup + cg
                            for i in 0..<g.kernelHeight {
                                let row = oy * g.strideY + i * g.dilationY - g.padY
                                guard let iy = g.border.sourceIndex(row, count: g.inputHeight) else {
                                    continue
                                }
                                for j in 0..<g.kernelWidth {
                                    let column = ox * g.strideX + j * g.dilationX - g.padX
                                    guard let ix = g.border.sourceIndex(column, count: g.inputWidth) else {
                                        continue
                                    }
                                    let sample = x[((n * g.inChannels + c) * g.inputHeight + iy) * g.inputWidth + ix]
                                    let tap = w[((o * inPerGroup + cg) * g.kernelHeight + i) * g.kernelWidth + j]
                                    sum += Double(sample) * Double(tap)
                                }
                            }
                        }
                        y[((n * g.outChannels + o) * g.outputHeight + oy) * g.outputWidth + ox] = Float(sum)
                    }
                }
            }
        }
        return output
    }
}
