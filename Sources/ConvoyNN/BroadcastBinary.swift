import ConvoyTensor

/// ONNX `Add`, `Sub`, `Mul` or `Div` of two computed tensors with numpy broadcasting (see
/// `Broadcast`): input 0 is ONNX's `A`, input 1 its `B`, and
///
///     output[n, c, y, x] = A[n', c', y', x'] ∘ B[n'', c'', y'', x'']
///
/// where each primed index is the output's along an axis the operand spans and 0 along an axis
/// where the operand has size 1. Inputs `[N, C, H, W]` and `[N, C, 1, 1]` (or `[1, C, 1, 1]`,
/// `[N, 1, H, W]`, `[1, 1, 1, 1]`, the same shape, either order) give `[N, C, H, W]`: the
/// squeeze-and-excite product `x * sigmoid(fc(gap(x)))`. Exactly two inputs; for a sum of more
/// same-shape tensors (ONNX `Sum`) use `Add`.
///
/// The output may share storage with an input that has the output's shape.
public final class BroadcastBinary: MergeLayer {
    /// What is computed per element.
    public let operation: BinaryOperation

    /// Creates the layer.
    public init(_ operation: BinaryOperation) {
        self.operation = operation
    }

    /// The broadcast shape, throwing when there are not exactly two inputs, one is not rank 4, or
    /// some axis has two sizes neither of which is 1.
    public func validatedOutputShape(for inputs: [Shape]) throws -> Shape {
        guard inputs.count == 2 else {
            throw LayerConfigurationError.inputCountMismatch(expected: 2, actual: inputs.count)
        }
        for shape in inputs where shape.rank != 4 {
            throw LayerConfigurationError.inputNotRank4(shape)
        }
        guard let shape = Broadcast.shape(inputs[0], inputs[1]) else {
            throw LayerConfigurationError.notBroadcastable(inputs[0], inputs[1])
        }
        return shape
    }

    /// Writes `inputs[0] ∘ inputs[1]`, broadcast, into `output`.
    public func forward(_ inputs: [Tensor], into output: Tensor, context: ExecutionContext) {
        precondition(inputs.count == 2, "BroadcastBinary takes two inputs, got \(inputs.count)")
        Broadcast.apply(operation, inputs[0], inputs[1], into: output, context: context)
    }
}
