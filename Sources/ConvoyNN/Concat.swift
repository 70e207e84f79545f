import ConvoyTensor

/// Concatenates two or more batches along the channel axis, as `torch.cat(inputs, dim=1)`:
///
///     inputs [batch, C_0, height, width], [batch, C_1, height, width], …
///     output [batch, C_0 + C_1 + …, height, width]
///
/// Output channels `0 ..< C_0` are input 0's, the next `C_1` are input 1's, and so on. The
/// output must not share storage with any input.
public final class Concat: MergeLayer {
    public init() {}

    /// `[batch, Σ channels, height, width]`.
    ///
    /// - Precondition: the inputs fit (see `validatedOutputShape(for:)`).
    public func outputShape(for inputs: [Shape]) -> Shape {
        do {
            return try validatedOutputShape(for: inputs)
        } catch {
            preconditionFailure("Concat: \(error)")
        }
    }

    /// `[batch, Σ channels, height, width]`, throwing when there are fewer than two inputs, one
    /// is not rank 4, or their batch, height or width differ.
    public func validatedOutputShape(for inputs: [Shape]) throws -> Shape {
        guard inputs.count >= 2 else {
            throw LayerConfigurationError.tooFewInputs(minimum: 2, actual: inputs.count)
        }
        for shape in inputs where shape.rank != 4 {
            throw LayerConfigurationError.inputNotRank4(shape)
        }
        let first = inputs[0]
        for (index, shape) in inputs.enumerated() where shape.n != first.n || shape.h != first.h || shape.w != first.w {
            throw LayerConfigurationError.mergeShapeMismatch(first: first, index: index, shape: shape)
        }
        return Shape(first.n, inputs.reduce(0) { $0 + $1.c }, first.h, first.w)
    }

    /// Copies each input's channels into their place in `output`.
    public func forward(_ inputs: [Tensor], into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: inputs.map(\.shape))
        precondition(output.shape == shape, "Concat output \(output.shape) must be \(shape)")
        precondition(inputs.allSatisfy { $0.storage !== output.storage }, "Concat output must not share storage with an input")
        let outputImage = shape.c * shape.h * shape.w
        let destination = output.pointer
        context.forEachTask(shape.n * inputs.count, elements: shape.count) { task in
            let n = task / inputs.count
            let index = task % inputs.count
            let channelStart = inputs[..<index].reduce(0) { $0 + $1.shape.c }
            let image = inputs[index].shape.c * shape.h * shape.w
            (destination + n * outputImage + channelStart * shape.h * shape.w)
                .update(from: inputs[index].pointer + n * image, count: image)
        }
    }
}
