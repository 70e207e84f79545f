import ConvoyTensor

extension Add: DifferentiableMergeLayer {
    /// Every input gets the whole output gradient.
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor, inputGradients: [Tensor?],
                         context: ExecutionContext) {
        let from = outputGradient.pointer
        for case let into? in inputGradients {
            let to = into.pointer
            context.forEachChunk(output.count) { range in
                for i in range { to[i] += from[i] }
            }
        }
    }
}
