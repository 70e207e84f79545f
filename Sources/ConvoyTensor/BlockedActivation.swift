/// What a `BlockedChain` convolution applies to its output: a oneDNN post-op, computed while the
/// output block is in registers, except a PReLU with one slope per channel, which oneDNN 2.6's JIT
/// convolutions do not take as a post-op and which runs as its own primitive, in place.
public enum BlockedActivation {
    /// Nothing.
    case none
    /// `max(x, 0)`.
    case relu
    /// `x >= 0 ? x : slope · x`.
    case leakyReLU(slope: Float)
    /// `x >= 0 ? x : slopes[c] · x`, `slopes` `[channels]` or `[1]` (shared).
    case prelu(slopes: Tensor)
}
