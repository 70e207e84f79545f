import ConvoyTensor

/// One step of a model: maps an NCHW batch to another NCHW batch.
///
/// The caller allocates the output (with `outputShape(for:)`) and may reuse it across calls, so
/// a layer's `forward` allocates nothing per batch. Layers may keep state between calls (buffers,
/// caches), so one layer must not run on two threads at once.
public protocol Layer: AnyObject {
    /// The output shape for an input of `input`, both `[batch, channels, height, width]`.
    ///
    /// - Precondition: the input fits the layer (see `validatedOutputShape(for:)` for a version
    ///   that throws instead).
    func outputShape(for input: Shape) -> Shape

    /// Like `outputShape(for:)`, but throws `LayerConfigurationError` when the input does not fit
    /// the layer (wrong rank, wrong channel count, too small for the kernel, …). Use it once at
    /// configuration, when the input comes from the outside world.
    func validatedOutputShape(for input: Shape) throws -> Shape

    /// Computes the layer on `input` (`[batch, channels, height, width]`) into `output`, which
    /// the caller has allocated with shape `outputShape(for: input.shape)`.
    func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext)
}

extension Layer {
    /// Default: a layer that accepts every rank-4 input.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        return outputShape(for: input)
    }
}
