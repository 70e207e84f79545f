import ConvoyTensor

/// ONNX `Add`, `Sub`, `Mul` or `Div` between a computed tensor and a constant (an initializer or
/// a `Constant` node), with numpy broadcasting of the constant (see `Broadcast`):
///
///     output = input ∘ constant        (constantFirst == false: x - c, x / c)
///     output = constant ∘ input        (constantFirst == true:  c - x, c / x)
///
/// Shapes: input and output `[batch, channels, height, width]`; the constant is rank 4 and must
/// broadcast to the input's shape without enlarging it: `[1, 1, 1, 1]` (a scalar), `[1, C, 1, 1]`
/// (per channel), `[1, 1, H, W]` or `[1, C, H, W]` (a fixed map), or with the batch axis too. The
/// importer unsqueezes lower-rank ONNX constants to rank 4 (a `[C, 1, 1]` constant becomes
/// `[1, C, 1, 1]`). `input` and `output` may be the same tensor. The layer keeps (does not copy)
/// the constant.
public final class ConstantBinary: InPlaceLayer {
    /// What is computed per element.
    public let operation: BinaryOperation
    /// The rank-4 constant operand.
    public let constant: Tensor
    /// Whether the constant is ONNX's `A` (the left operand) rather than `B`.
    public let constantFirst: Bool

    /// Creates the layer.
    ///
    /// - Throws: `LayerConfigurationError.constantNotRank4` when the constant is not rank 4 or
    ///   has an empty axis.
    public init(_ operation: BinaryOperation, constant: Tensor, constantFirst: Bool = false) throws {
        guard constant.shape.rank == 4, constant.count >= 1 else {
            throw LayerConfigurationError.constantNotRank4(constant.shape)
        }
        self.operation = operation
        self.constant = constant
        self.constantFirst = constantFirst
    }

    /// The input shape, unchanged.
    ///
    /// - Precondition: the constant broadcasts to the input (see `validatedOutputShape(for:)`).
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && Broadcast.shape(input, constant.shape) == input,
                     "ConstantBinary constant \(constant.shape) does not broadcast to \(input)")
        return input
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or the constant does not
    /// broadcast to its shape.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard Broadcast.shape(input, constant.shape) == input else {
            throw LayerConfigurationError.notBroadcastable(input, constant.shape)
        }
        return input
    }

    /// Writes `input ∘ constant` (or `constant ∘ input`) into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == outputShape(for: input.shape), "ConstantBinary output \(output.shape) must match input \(input.shape)")
        if constantFirst {
            Broadcast.apply(operation, constant, input, into: output, context: context)
        } else {
            Broadcast.apply(operation, input, constant, into: output, context: context)
        }
    }
}
