import ConvoyTensor

/// One mini-batch of training or validation examples.
public struct TrainingBatch {
    /// The model input `[N, C_in, H, W]`: frame windows, samples 0 … 1 (8-bit level / 255).
    public let input: Tensor
    /// What the model should output for it, `[N, C_out, H_out, W_out]`, samples 0 … 1.
    public let target: Tensor
}
