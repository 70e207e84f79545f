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
            // bf16 results between convolutions; Float32 from the last convolution on, from a
            // first layer on the frame's few channels (see `computesInBF16`), and for a channel
            // count that does not fill 16-channel blocks (oneDNN 2.6's PReLU and pool over 10
            // channels in the layout its bf16 kernels choose took 3–5× their time in blocks).
            let laterConvolution = layers[(index + 1)...].contains { if case .convolution = $0 { return true } else { return false } }
            let next: Stage?
            switch layer {
            case .convolution(let geometry, let weight, let bias, let activation):
                let bf16 = computesInBF16(geometry) && laterConvolution && geometry.outChannels % 16 == 0
                next = convolution(stage, geometry: geometry, weight: weight, bias: bias, activation: activation,
                                   resultType: bf16 ? dnnl_bf16 : dnnl_f32)
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

    /// Whether a convolution runs in bf16: with `.bf16`, all but one on 4 channels or fewer (a
    /// frame's), which stays FP32 and reads the caller's NCHW frame as it is (its K = 27 dot
    /// products gain little from bf16, and the bf16 kernel needs the frame reordered and writes a
    /// layout the PReLU and pool after it are slow on: PNet's first stage took 1.6× longer).
    func computesInBF16(_ geometry: Conv2dGeometry) -> Bool {
        precision == .bf16 && geometry.inChannelsPerGroup > 4
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
