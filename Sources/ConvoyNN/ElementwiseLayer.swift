import ConvoyTensor

/// A layer that maps every sample on its own, `output[i] = value(input[i])` (the activations:
/// LeakyReLU, ELU, HardSigmoid, HardSwish, Clip, SiLU). Any shape; output shape equals input
/// shape, and `input` and `output` may be the same tensor. A conforming layer gives `value`; the
/// shape and the parallel loop over the samples are this protocol's.
public protocol ElementwiseLayer: InPlaceLayer {
    /// The output sample for the input sample `x`.
    func value(_ x: Float) -> Float
}

extension ElementwiseLayer {
    /// The input shape, unchanged.
    public func outputShape(for input: Shape) -> Shape {
        input
    }

    /// Writes `value` of every sample of `input` into `output` (which may be `input`).
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        precondition(output.shape == input.shape, "\(Self.self) output \(output.shape) must match input \(input.shape)")
        let source = input.pointer
        let destination = output.pointer
        context.forEachChunk(input.count) { range in
            for i in range {
                destination[i] = value(source[i])
            }
        }
    }
}
