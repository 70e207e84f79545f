import ConvoyTensor

/// A `Layer` that can also run backwards: from the gradient of a loss with respect to its output,
/// it adds the gradients with respect to its input and its learnable parameters.
///
/// Conventions, shared by every conformance:
/// - `backward` is called after `forward` with the same `input`, and the `output` that forward
///   wrote (kept unchanged); layers read whichever of the two they need.
/// - Gradients are **added** (`+=`) to `inputGradient` and to `parameterGradients`, never
///   overwritten, so a tensor read by several layers gathers the sum of their gradients and
///   parameter gradients accumulate over calls until zeroed (as PyTorch's `.grad`).
/// - `inputGradient` is `nil` when nobody needs it (the layer reads the model input); the layer
///   then skips that work.
/// - `parameterGradients` lists one tensor per entry of `parameters`, in the same order and shape.
public protocol DifferentiableLayer: Layer {
    /// The learnable tensors, each with its PyTorch state-dict suffix (`weight`, `bias`); the
    /// full name is `<layer name>.<suffix>`. Empty for layers without parameters.
    var parameters: [(name: String, value: Tensor)] { get }

    /// Adds the gradients of the loss with respect to the input and the parameters.
    ///
    /// - Parameters:
    ///   - input: the tensor `forward` read, `[batch, channels, height, width]`.
    ///   - output: the tensor `forward` wrote.
    ///   - outputGradient: the gradient with respect to `output`, same shape.
    ///   - inputGradient: where to add the gradient with respect to `input` (same shape), or nil.
    ///   - parameterGradients: where to add the gradients of `parameters`, in order.
    ///   - context: GEMM and scratch.
    func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                  parameterGradients: [Tensor], context: ExecutionContext)
}

extension DifferentiableLayer {
    /// Default: no learnable parameters.
    public var parameters: [(name: String, value: Tensor)] { [] }
}

/// A `MergeLayer` that can also run backwards (see `DifferentiableLayer` for the conventions:
/// gradients are added, `nil` skips an input nobody needs).
public protocol DifferentiableMergeLayer: MergeLayer {
    /// Adds to `inputGradients[i]` the gradient of the loss with respect to `inputs[i]`.
    func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor, inputGradients: [Tensor?],
                  context: ExecutionContext)
}
