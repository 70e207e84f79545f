/// One layer of a `BlockedChain`, with its sizes resolved for the chain's input.
public enum BlockedLayer {
    /// A convolution with zero padding (`geometry.border == .zero`), then `activation`.
    /// `weight` is OIHW `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`, `bias`
    /// `[outChannels]`; both are read when the chain is built.
    case convolution(geometry: Conv2dGeometry, weight: Tensor, bias: Tensor?, activation: BlockedActivation)
    /// A max pool from `input` (`[N, C, H, W]`) to `output` (`[N, C, H', W']`): window `kernel`,
    /// taps `dilation` apart, windows `stride` apart starting `padding` before the first sample;
    /// padded samples never win. Ceil or floor mode is in `output`'s size.
    case maxPool(input: Shape, output: Shape, kernel: (y: Int, x: Int), stride: (y: Int, x: Int), padding: (y: Int, x: Int),
                 dilation: (y: Int, x: Int))
}
