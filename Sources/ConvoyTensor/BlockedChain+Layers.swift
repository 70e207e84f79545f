import CDNNL

extension BlockedChain {
    /// Appends a convolution reading `stage`, returning its result; nil when oneDNN has no fast
    /// implementation. The first candidate input layout is the stage's own (no reorder: for a
    /// 3-channel NCHW frame oneDNN has a kernel that reads it as it is), then whatever oneDNN
    /// prefers; a candidate served only by oneDNN's GEMM-based or reference code is passed over.
    func convolution(_ stage: Stage, geometry g: Conv2dGeometry, weight: Tensor, bias: Tensor?, activation: BlockedActivation,
                     resultType: dnnl_data_type_t) -> Stage? {
        precondition(g.border == .zero, "BlockedChain convolutions pad with zeros only")
        let type = computesInBF16(g) ? dnnl_bf16 : dnnl_f32
        let grouped = g.groups > 1
        let weightDims = grouped
            ? [g.groups, g.outChannelsPerGroup, g.inChannelsPerGroup, g.kernelHeight, g.kernelWidth]
            : [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth]
        guard let anyInput = OneDNNResources.descriptor(g.inputShape.dims, type, dnnl_format_tag_any),
              let anyWeights = OneDNNResources.descriptor(weightDims, type, dnnl_format_tag_any),
              let userWeights = OneDNNResources.descriptor(weightDims, dnnl_f32, grouped ? dnnl_goihw : dnnl_oihw),
              let biasDescriptor = OneDNNResources.descriptor([g.outChannels], dnnl_f32, dnnl_x),
              let anyOutput = OneDNNResources.descriptor(g.outputShape.dims, resultType, dnnl_format_tag_any) else { return nil }
        let candidates = stage.descriptor.data_type == type ? [stage.descriptor, anyInput] : [anyInput]
        // oneDNN 2.6's JIT convolutions take no PReLU post-op (its reference loops would): a PReLU
        // with one slope per channel runs as its own primitive on the result, in place.
        var postOp = activation, separate: Tensor?
        if case .prelu(let slopes) = activation {
            if slopes.count == 1 { postOp = .leakyReLU(slope: slopes.pointer[0]) } else { postOp = .none; separate = slopes }
        }
        guard let attributes = BlockedChain.attributes(postOp) else { return nil }
        defer { dnnl_primitive_attr_destroy(attributes) }
        var chosen: dnnl_primitive_desc_t?
        for (index, input) in candidates.enumerated() {
            guard let descriptor = convolutionDescriptor(g, input: input, weights: anyWeights, bias: bias == nil ? nil : biasDescriptor,
                                                         output: anyOutput, attributes: attributes) else { continue }
            let name = OneDNNResources.implementation(descriptor)
            let slow = name.contains("ref") || name.contains("gemm")
            if !slow || (index == candidates.count - 1 && !name.contains("ref")) {
                chosen = descriptor
                break
            }
        }
        guard let chosen else { return refuse("no fast oneDNN convolution for \(g) in \(precision)") }
        guard let inputLayout = OneDNNResources.chosen(chosen, dnnl_query_src_md),
              let weightLayout = OneDNNResources.chosen(chosen, dnnl_query_weights_md),
              let outputLayout = OneDNNResources.chosen(chosen, dnnl_query_dst_md) else { return refuse("no layouts for \(g)") }
        guard let input = converted(stage, to: inputLayout) else { return refuse("no reorder into the layout of \(g)") }
        guard let given = resources.memory(userWeights, handle: UnsafeMutableRawPointer(weight.pointer)),
              let weights = resources.allocated(weightLayout),
              resources.reorderNow(from: given, userWeights, to: weights, weightLayout) else { return refuse("no weight reorder for \(g)") }
        guard let output = resources.allocated(outputLayout) else { return refuse("no memory for the output of \(g)") }
        var arguments = [resources.argument(DNNL_ARG_SRC, input.memory), resources.argument(DNNL_ARG_WEIGHTS, weights),
                         resources.argument(DNNL_ARG_DST, output)]
        if let bias {
            guard let memory = resources.memory(biasDescriptor, handle: UnsafeMutableRawPointer(bias.pointer)) else { return nil }
            arguments.append(resources.argument(DNNL_ARG_BIAS, memory))
            kept.append(bias)
        }
        guard resources.append(chosen, arguments: arguments) else { return refuse("no primitive for \(g)") }
        let result = Stage(memory: output, descriptor: outputLayout)
        if let separate { return prelu(result, slopes: separate) }
        return result
    }

    /// The operation descriptor's primitive descriptor for one candidate input layout.
    private func convolutionDescriptor(_ g: Conv2dGeometry, input: dnnl_memory_desc_t, weights: dnnl_memory_desc_t,
                                       bias: dnnl_memory_desc_t?, output: dnnl_memory_desc_t,
                                       attributes: dnnl_primitive_attr_t) -> dnnl_primitive_desc_t? {
        var input = input, weights = weights, output = output
        var biasLayout = bias ?? dnnl_memory_desc_t()
        let spanY = g.dilationY * (g.kernelHeight - 1) + 1, spanX = g.dilationX * (g.kernelWidth - 1) + 1
        let after = [BlockedChain.trailingPadding(input: g.inputHeight, output: g.outputHeight, span: spanY, stride: g.strideY, before: g.padY),
                     BlockedChain.trailingPadding(input: g.inputWidth, output: g.outputWidth, span: spanX, stride: g.strideX, before: g.padX)]
        var operation = dnnl_convolution_desc_t()
        let status = withUnsafeMutablePointer(to: &biasLayout) { biasPointer in
            dnnl_dilated_convolution_forward_desc_init(
                &operation, dnnl_forward_inference, dnnl_convolution_direct, &input, &weights, bias == nil ? nil : biasPointer, &output,
                [dnnl_dim_t(g.strideY), dnnl_dim_t(g.strideX)], [dnnl_dim_t(g.dilationY - 1), dnnl_dim_t(g.dilationX - 1)],
                [dnnl_dim_t(g.padY), dnnl_dim_t(g.padX)], after.map { dnnl_dim_t($0) })
        }
        guard status == dnnl_success else { return nil }
        return withUnsafePointer(to: &operation) { resources.primitiveDescriptor(UnsafeRawPointer($0), attributes: attributes) }
    }

    /// Primitive attributes carrying `activation` as a post-op, with a user-managed scratchpad
    /// (caller destroys them).
    static func attributes(_ activation: BlockedActivation) -> dnnl_primitive_attr_t? {
        var postOps: dnnl_post_ops_t?
        guard let attributes = OneDNNResources.attributes() else { return nil }
        guard dnnl_post_ops_create(&postOps) == dnnl_success, let postOps else {
            dnnl_primitive_attr_destroy(attributes)
            return nil
        }
        defer { dnnl_post_ops_destroy(postOps) }
        let status: dnnl_status_t
        switch activation {
        case .none: status = dnnl_success
        case .relu: status = dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0)
        case .leakyReLU(let slope): status = dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, slope, 0)
        case .prelu: preconditionFailure("PReLU runs as its own primitive")
        }
        guard status == dnnl_success, dnnl_primitive_attr_set_post_ops(attributes, postOps) == dnnl_success else {
            dnnl_primitive_attr_destroy(attributes)
            return nil
        }
        return attributes
    }

    /// Appends a max pool reading `stage` (in its own layout and type), returning its result.
    func maxPool(_ stage: Stage, input: Shape, output: Shape, kernel: (y: Int, x: Int), stride: (y: Int, x: Int),
                 padding: (y: Int, x: Int), dilation: (y: Int, x: Int)) -> Stage? {
        var source = stage.descriptor
        guard var target = OneDNNResources.descriptor(output.dims, stage.descriptor.data_type, dnnl_format_tag_any) else { return nil }
        let spanY = dilation.y * (kernel.y - 1) + 1, spanX = dilation.x * (kernel.x - 1) + 1
        let after = [BlockedChain.trailingPadding(input: input.h, output: output.h, span: spanY, stride: stride.y, before: padding.y),
                     BlockedChain.trailingPadding(input: input.w, output: output.w, span: spanX, stride: stride.x, before: padding.x)]
        var operation = dnnl_pooling_v2_desc_t()
        guard dnnl_pooling_v2_forward_desc_init(
            &operation, dnnl_forward_inference, dnnl_pooling_max, &source, &target,
            [dnnl_dim_t(stride.y), dnnl_dim_t(stride.x)], [dnnl_dim_t(kernel.y), dnnl_dim_t(kernel.x)],
            [dnnl_dim_t(dilation.y - 1), dnnl_dim_t(dilation.x - 1)], [dnnl_dim_t(padding.y), dnnl_dim_t(padding.x)],
            after.map { dnnl_dim_t($0) }) == dnnl_success,
              let descriptor = withUnsafePointer(to: &operation, { resources.primitiveDescriptor(UnsafeRawPointer($0), attributes: resources.userScratchpad) }),
              !OneDNNResources.implementation(descriptor).contains("ref"),
              let layout = OneDNNResources.chosen(descriptor, dnnl_query_dst_md),
              let memory = resources.allocated(layout),
              resources.append(descriptor, arguments: [resources.argument(DNNL_ARG_SRC, stage.memory), resources.argument(DNNL_ARG_DST, memory)])
        else { return refuse("no fast oneDNN max pool from \(input) to \(output) in \(precision)") }
        return Stage(memory: memory, descriptor: layout)
    }

    /// Appends a PReLU with one slope per channel (`slopes` `[C]`) on `stage`, in place.
    func prelu(_ stage: Stage, slopes: Tensor) -> Stage? {
        var source = stage.descriptor
        let channels = Int(stage.descriptor.dims.1)
        guard var anySlopes = OneDNNResources.descriptor([1, channels, 1, 1], dnnl_f32, dnnl_format_tag_any),
              let given = OneDNNResources.descriptor([1, channels, 1, 1], dnnl_f32, dnnl_nchw) else { return nil }
        var operation = dnnl_prelu_desc_t()
        guard dnnl_prelu_forward_desc_init(&operation, dnnl_forward_inference, &source, &anySlopes) == dnnl_success,
              let descriptor = withUnsafePointer(to: &operation, { resources.primitiveDescriptor(UnsafeRawPointer($0), attributes: resources.userScratchpad) }),
              !OneDNNResources.implementation(descriptor).contains("ref"),
              let layout = OneDNNResources.chosen(descriptor, dnnl_query_weights_md),
              let user = resources.memory(given, handle: UnsafeMutableRawPointer(slopes.pointer)),
              let weights = resources.allocated(layout),
              resources.reorderNow(from: user, given, to: weights, layout),
              resources.append(descriptor, arguments: [resources.argument(DNNL_ARG_SRC, stage.memory), resources.argument(DNNL_ARG_WEIGHTS, weights),
                                                       resources.argument(DNNL_ARG_DST, stage.memory)])
        else { return refuse("no fast oneDNN PReLU over \(channels) channels in \(precision)") }
        return stage
    }

    /// Records why the chain cannot be built (`refusal`) and gives nil.
    func refuse<T>(_ reason: String) -> T? {
        refusal = refusal ?? reason
        return nil
    }
}
