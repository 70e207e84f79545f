import ConvoyTensor

/// Layers run one after another; the output of each is the input of the next.
///
/// The intermediate results live in two buffers kept between calls and used alternately (layer
/// `i` writes buffer `i % 2`), resized with `Tensor.resized(to:)`, so once the largest batch has
/// been seen, further batches allocate nothing. The last layer writes into the caller's output.
/// Because of these buffers, one `Sequential` must not run on two threads at once.
public final class Sequential: Layer {
    /// The layers, in the order they run.
    public let layers: [Layer]

    private var buffers: [Tensor?] = [nil, nil]

    /// Creates a model from its layers, first to last. An empty list copies its input.
    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    /// The intermediate buffers currently held (for inspection and tests).
    public var intermediateBuffers: [Tensor] {
        buffers.compactMap { $0 }
    }

    /// The last layer's output shape, chaining every layer's `outputShape(for:)`.
    public func outputShape(for input: Shape) -> Shape {
        layers.reduce(input) { shape, layer in layer.outputShape(for: shape) }
    }

    /// The last layer's output shape, chaining every layer's `validatedOutputShape(for:)`.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        var shape = input
        for layer in layers {
            shape = try layer.validatedOutputShape(for: shape)
        }
        return shape
    }

    /// Runs every layer; the last one writes into `output`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let expected = outputShape(for: input.shape)
        precondition(output.shape == expected, "Sequential output \(output.shape) must be \(expected)")
        guard let lastIndex = layers.indices.last else {
            precondition(output.storage !== input.storage || output.count == 0, "Empty Sequential cannot copy in place")
            output.pointer.update(from: input.pointer, count: input.count)
            return
        }
        var current = input
        for (index, layer) in layers.enumerated() {
            let destination: Tensor
            if index == lastIndex {
                destination = output
            } else {
                destination = intermediate(index % 2, shape: layer.outputShape(for: current.shape))
            }
            layer.forward(current, into: destination, context: context)
            current = destination
        }
    }

    private func intermediate(_ slot: Int, shape: Shape) -> Tensor {
        let tensor = buffers[slot].map { $0.resized(to: shape) } ?? Tensor(shape: shape)
        buffers[slot] = tensor
        return tensor
    }
}
