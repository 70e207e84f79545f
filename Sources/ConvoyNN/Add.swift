import ConvoyTensor

/// Elementwise sum of two or more batches of the same shape (a residual connection):
///
///     output[n, c, y, x] = Σ_i inputs[i][n, c, y, x]
///
/// All inputs and the output are `[batch, channels, height, width]` of one shape. The output may
/// share storage with any of the inputs (each element is read before it is written).
public final class Add: MergeLayer {
    public init() {}

    /// The inputs' common shape.
    ///
    /// - Precondition: the inputs fit (see `validatedOutputShape(for:)`).
    public func outputShape(for inputs: [Shape]) -> Shape {
        do {
            return try validatedOutputShape(for: inputs)
        } catch {
            preconditionFailure("Add: \(error)")
        }
    }

    /// The inputs' common shape, throwing when there are fewer than two inputs, the first is not
    /// rank 4, or their shapes differ.
    public func validatedOutputShape(for inputs: [Shape]) throws -> Shape {
        guard inputs.count >= 2 else {
            throw LayerConfigurationError.tooFewInputs(minimum: 2, actual: inputs.count)
        }
        let first = inputs[0]
        guard first.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(first)
        }
        for (index, shape) in inputs.enumerated() where shape != first {
            throw LayerConfigurationError.mergeShapeMismatch(first: first, index: index, shape: shape)
        }
        return first
    }

    /// Writes the sum of the inputs into `output`.
    public func forward(_ inputs: [Tensor], into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: inputs.map(\.shape))
        precondition(output.shape == shape, "Add output \(output.shape) must be \(shape)")
        let destination = output.pointer
        let first = inputs[0].pointer
        let second = inputs[1].pointer
        let rest = inputs.dropFirst(2).map(\.pointer)
        rest.withUnsafeBufferPointer { rest in
            context.forEachChunk(shape.count) { range in
                if rest.isEmpty {
                    for i in range {
                        destination[i] = first[i] + second[i]
                    }
                    return
                }
                for i in range {
                    var sum = first[i] + second[i]
                    for source in rest {
                        sum += source[i]
                    }
                    destination[i] = sum
                }
            }
        }
    }
}
