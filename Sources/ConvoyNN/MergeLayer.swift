import ConvoyTensor

/// A step of a model that combines several NCHW batches into one (`Concat`, `Add`).
///
/// As with `Layer`, the caller allocates the output (with `validatedOutputShape(for:)`) and may
/// reuse it across calls; `forward` allocates nothing.
public protocol MergeLayer: AnyObject {
    /// The output shape for inputs of `inputs` (all `[batch, channels, height, width]`).
    ///
    /// - Throws: `LayerConfigurationError` when the inputs cannot be merged (too few, wrong rank,
    ///   sizes that do not match).
    func validatedOutputShape(for inputs: [Shape]) throws -> Shape

    /// Combines `inputs` into `output`, which has shape `validatedOutputShape(for:)` of the
    /// inputs' shapes. Inputs that do not fit are a programmer error.
    func forward(_ inputs: [Tensor], into output: Tensor, context: ExecutionContext)
}
