import CDNNL

extension BlockedChain {
    /// A memory the chain has made, with its descriptor.
    struct Stage {
        var memory: dnnl_memory_t
        var descriptor: dnnl_memory_desc_t
    }

    /// Makes every primitive: the input memory over the caller's NCHW buffer, each layer reading
    /// the stage before (reordered first when it chose another layout), and the reorder into the
    /// caller's NCHW output, or the last layer writing there itself when its layout is NCHW.
    func build(_ layers: [BlockedLayer]) -> Bool {
        guard let plain = OneDNNResources.descriptor(inputShape.dims, dnnl_f32, dnnl_nchw),
              let input = resources.memory(plain, handle: nil) else { return false }
        source = input
        var stage = Stage(memory: input, descriptor: plain)
        for (index, layer) in layers.enumerated() {
            // bf16 results between convolutions; Float32 from the last convolution on.
            let laterConvolution = layers[(index + 1)...].contains { if case .convolution = $0 { return true } else { return false } }
            let type = precision == .bf16 && laterConvolution ? dnnl_bf16 : dnnl_f32
            let next: Stage?
            switch layer {
            case .convolution(let geometry, let weight, let bias, let activation):
                next = convolution(stage, geometry: geometry, weight: weight, bias: bias, activation: activation, resultType: type)
            case .maxPool(let inputShape, let outputShape, let kernel, let stride, let padding, let dilation):
                next = maxPool(stage, input: inputShape, output: outputShape, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            }
            guard let next else { return false }
            stage = next
        }
        guard let target = OneDNNResources.descriptor(outputShape.dims, dnnl_f32, dnnl_nchw) else { return false }
        if OneDNNResources.equal(stage.descriptor, target), stage.memory != input {
            // The last layer writes NCHW itself: into the caller's buffer, instead of its own.
            destination = stage.memory
            return resources.shareScratchpad()
        }
        guard let output = resources.memory(target, handle: nil),
              resources.appendReorder(from: stage.memory, stage.descriptor, to: output, target) else { return false }
        destination = output
        return resources.shareScratchpad()
    }

    /// `stage` in `descriptor`'s layout: itself when it already is, else a reorder's result.
    func converted(_ stage: Stage, to descriptor: dnnl_memory_desc_t) -> Stage? {
        if OneDNNResources.equal(stage.descriptor, descriptor) { return stage }
        guard let memory = resources.reorder(from: stage.memory, stage.descriptor, to: descriptor) else { return nil }
        return Stage(memory: memory, descriptor: descriptor)
    }

    /// Padding after the last sample along one axis, from the output size the caller chose
    /// (floor or ceil mode): what makes `(input + before + after − span) / stride + 1 = output`.
    static func trailingPadding(input: Int, output: Int, span: Int, stride: Int, before: Int) -> Int {
        (output - 1) * stride + span - input - before
    }
}
