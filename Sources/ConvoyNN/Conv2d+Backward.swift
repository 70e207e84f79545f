import ConvoyTensor

extension Conv2d: DifferentiableLayer {
    /// `weight` `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`, then `bias`
    /// `[outChannels]` when the layer has one.
    public var parameters: [(name: String, value: Tensor)] {
        var list = [(name: "weight", value: weight)]
        if let bias = bias {
            list.append((name: "bias", value: bias))
        }
        return list
    }

    /// Adds the input, weight and bias gradients (`Convolution.backward`: the weight gradient as
    /// one GEMM of the output gradient by the transposed im2col tile, the input gradient as one
    /// GEMM `Wᵀ · dY` then col2im).
    ///
    /// - Precondition: the layer has no fused activation or pool (train the convolution and its
    ///   activation as two layers).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        precondition(activation == .none && !fusedMaxPool, "Conv2d.backward needs a convolution without a fused activation or pool")
        precondition(parameterGradients.count == (bias == nil ? 1 : 2), "Conv2d.backward needs one gradient per parameter")
        Convolution.backward(
            input: input,
            weight: weight,
            geometry: geometry(for: input.shape),
            outputGradient: outputGradient,
            inputGradient: inputGradient,
            weightGradient: parameterGradients[0],
            biasGradient: bias == nil ? nil : parameterGradients[1],
            workspaces: context.workspaces,
            gemm: context.gemm
        )
    }
}
