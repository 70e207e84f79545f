/// An activation applied to a convolution's output tile right after its GEMM, while the tile is
/// still in cache, instead of in a separate pass over the whole tensor.
public enum ConvolutionActivation: Equatable, Sendable {
    /// The convolution's output as it is.
    case none
    /// `max(0, x)`, as PyTorch's `nn.ReLU`.
    case relu
}
