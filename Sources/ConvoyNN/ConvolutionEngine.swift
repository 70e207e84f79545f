/// How a `Graph` computes its convolutions at inference.
public enum ConvolutionEngine: String, Sendable, CaseIterable {
    /// Runs of convolutions, activations and max pools as oneDNN primitives in blocked layouts
    /// (`BlockedChain`), each layer alone (im2col + SGEMM) where oneDNN has no fast kernel.
    case blocked
    /// Every convolution as im2col + SGEMM (`Convolution.forward`), layer by layer.
    case im2col
}
