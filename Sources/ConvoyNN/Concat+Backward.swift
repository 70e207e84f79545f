import ConvoyTensor

extension Concat: DifferentiableMergeLayer {
    /// Each input gets its own channel slice of the output gradient.
    public func backward(inputs: [Tensor], output: Tensor, outputGradient: Tensor, inputGradients: [Tensor?],
                         context: ExecutionContext) {
        let shape = output.shape
        let plane = shape.h * shape.w
        var channelStart = 0
        for (index, input) in inputs.enumerated() {
            defer { channelStart += input.shape.c }
            guard let into = inputGradients[index] else { continue }
            let image = input.shape.c * plane
            for n in 0..<shape.n {
                let from = outputGradient.pointer + (n * shape.c + channelStart) * plane
                let to = into.pointer + n * image
                for i in 0..<image { to[i] += from[i] }
            }
        }
    }
}
