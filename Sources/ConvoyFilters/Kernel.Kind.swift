extension Kernel {
    /// How a kernel's matrices turn into output pixels.
    public enum Kind: Equatable, Sendable {
        /// One correlation with ``Kernel/matrix``, plus ``Kernel/bias``.
        case linear
        /// The gradient magnitude `sqrt(gx² + gy²) + bias`, where `gx` is the correlation with
        /// ``Kernel/matrix`` (the x derivative) and `gy` the correlation with `partner` (the y
        /// derivative, same size), both scaled by `scale / divisor`.
        case gradientMagnitude(partner: [[Float]])
    }
}
