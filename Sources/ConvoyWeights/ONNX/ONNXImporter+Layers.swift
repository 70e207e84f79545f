import ConvoyNN
import ConvoyTensor

/// Operators that read run-time tensors, each mapped onto ConvoyNN layers, with the semantics
/// that changed between operator sets switched here, once per operator.
extension ONNXImporter {
    mutating func importOperator(_ node: ONNXNodeProto, label: String, attributes a: ONNXAttributes, owner: String) throws {
        switch node.opType {
        case "Constant":
            fold(node, label: label, .constant(try constantAttribute(a, owner: owner)), how: "constant")
        case "ConstantOfShape":
            let shape = try requiredConstant(node, 0, owner: owner, what: "shape").ints
            let fill = try a.tensor("value").map { try reader.constant($0, role: "\(owner) value") } ?? ONNXConstant(dims: [1], floats: [0])
            guard fill.count == 1 else { throw ONNXIssue("\(owner): its value must hold one element") }
            let count = try checkedCount(shape, owner: owner)
            let values: ONNXConstant.Values = fill.isInteger ? .integers(Array(repeating: fill.integers[0], count: count))
                : .floats(Array(repeating: fill.floats[0], count: count))
            fold(node, label: label, .constant(ONNXConstant(dims: shape, values: values)), how: "constant")
        case "Shape":
            let dims: [Int]
            switch try value(node, 0, owner: owner) {
            case .constant(let constant)?: dims = constant.dims
            case .runtime(let tensor)?:
                dims = tensor.dims
                if tensor.followsFrame { dependsOnFrameSize = true }
            case nil: throw ONNXIssue("\(owner) lacks its input")
            }
            // Opset 15 adds start and end.
            let rank = dims.count
            func bound(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
            let start = bound(try a.int("start", default: 0))
            let end = bound(try a.int("end", default: rank))
            fold(node, label: label, .constant(ONNXConstant(dims: [max(0, end - start)], integers: (start..<max(start, end)).map { Int64(dims[$0]) })),
                 how: "shape of the frames' data, folded")
        case "Identity", "Dropout":
            guard let input = try value(node, 0, owner: owner) else { throw ONNXIssue("\(owner) lacks its input") }
            if node.opType == "Dropout", node.output.count > 1, !node.output[1].isEmpty {
                throw ONNXIssue("\(owner): its mask output is not available at inference")
            }
            fold(node, label: label, input, how: "nothing at inference")
        case "Cast":
            let to = try a.int("to") ?? 1
            guard [1, 10, 11, 16].contains(to), let input = try value(node, 0, owner: owner) else {
                throw ONNXIssue("\(owner): a cast of the frames' data to type \(to) (Convoy computes in FLOAT)")
            }
            fold(node, label: label, input, how: "a cast to floating point, nothing at inference")
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze":
            try importView(node, label: label, attributes: a, owner: owner)
        case "Transpose":
            try importTranspose(node, label: label, attributes: a, owner: owner)
        case "Conv":
            try importConv(node, attributes: a, owner: owner)
        case "BatchNormalization":
            try importBatchNorm(node, attributes: a, owner: owner)
        case "Relu":
            try emit(node, ReLU(), reading: try layerInput(node, 0, owner: owner), info: NodeInfo(type: "Relu", parameters: 0, multiplyAdds: 0))
        case "LeakyRelu":
            try emit(node, LeakyReLU(negativeSlope: try a.float("alpha", default: 0.01)), reading: try layerInput(node, 0, owner: owner),
                     info: NodeInfo(type: "LeakyRelu", parameters: 0, multiplyAdds: 0))
        case "Sigmoid":
            try emit(node, Sigmoid(), reading: try layerInput(node, 0, owner: owner), info: NodeInfo(type: "Sigmoid", parameters: 0, multiplyAdds: 0))
        case "Elu":
            try emit(node, ELU(alpha: try a.float("alpha", default: 1)), reading: try layerInput(node, 0, owner: owner),
                     info: NodeInfo(type: "Elu", parameters: 0, multiplyAdds: 0))
        case "HardSigmoid":
            try emit(node, HardSigmoid(alpha: try a.float("alpha", default: 0.2), beta: try a.float("beta", default: 0.5)),
                     reading: try layerInput(node, 0, owner: owner), info: NodeInfo(type: "HardSigmoid", parameters: 0, multiplyAdds: 0))
        case "HardSwish":
            try emit(node, HardSwish(), reading: try layerInput(node, 0, owner: owner), info: NodeInfo(type: "HardSwish", parameters: 0, multiplyAdds: 0))
        case "SpaceToDepth":
            try emit(node, try SpaceToDepth(blockSize: try a.int("blocksize") ?? 0), reading: try spatialInput(node, owner: owner),
                     info: NodeInfo(type: "SpaceToDepth", parameters: 0, multiplyAdds: 0))
        case "LRN":
            try emit(node, try LocalResponseNorm(size: try a.int("size") ?? 0, alpha: try a.float("alpha", default: 1e-4),
                                                 beta: try a.float("beta", default: 0.75), bias: try a.float("bias", default: 1)),
                     reading: try spatialInput(node, owner: owner), info: NodeInfo(type: "LRN", parameters: 0, multiplyAdds: 0))
        case "ConvTranspose":
            try importConvTranspose(node, attributes: a, owner: owner)
        case "Tanh":
            try emit(node, Tanh(), reading: try layerInput(node, 0, owner: owner), info: NodeInfo(type: "Tanh", parameters: 0, multiplyAdds: 0))
        case "PRelu":
            let input = try layerInput(node, 0, owner: owner)
            let slope = try requiredConstant(node, 1, owner: owner, what: "slope")
            // Before opset 7 a slope of one value per channel is per channel whatever its rank;
            // from 7 it broadcasts as numpy does.
            let perChannel = opset < 7 && slope.dims.count == 1 && input.rank >= 2 && slope.count == input.dims[1]
            guard let values = perChannel ? slope.floats : channelVector(slope, for: input) else {
                throw ONNXIssue("\(owner): a slope of shape \(MessageText.dims(slope.dims)) is neither one value nor one per channel")
            }
            try emit(node, try PReLU(weight: Tensor(shape: Shape(values.count), values: values)), reading: input,
                     info: NodeInfo(type: "PRelu", parameters: values.count, multiplyAdds: 0))
        case "Clip":
            let input = try layerInput(node, 0, owner: owner)
            // Limits: attributes before opset 11, optional inputs from 11.
            let low: Float, high: Float
            if opset < 11 {
                low = try a.float("min", default: -Float.greatestFiniteMagnitude)
                high = try a.float("max", default: Float.greatestFiniteMagnitude)
            } else {
                low = try constant(node, 1, owner: owner, what: "minimum")?.floats.first ?? -Float.infinity
                high = try constant(node, 2, owner: owner, what: "maximum")?.floats.first ?? Float.infinity
            }
            if low == 0, high >= Float.greatestFiniteMagnitude {
                try emit(node, ReLU(), reading: input, info: NodeInfo(type: "Clip", parameters: 0, multiplyAdds: 0))
            } else {
                try emit(node, Clip(minimum: max(low, -Float.greatestFiniteMagnitude), maximum: min(high, Float.greatestFiniteMagnitude)),
                         reading: input, info: NodeInfo(type: "Clip", parameters: 0, multiplyAdds: 0))
            }
        case "MaxPool", "AveragePool":
            try importPool(node, attributes: a, owner: owner)
        case "Pad":
            try importPad(node, label: label, attributes: a, owner: owner)
        case "GlobalMaxPool":
            // A max pool whose window is the whole map (for this frame size).
            let input = try spatialInput(node, owner: owner)
            try emit(node, GlobalMaxPool2d(), reading: input,
                     info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0), followsFrame: false)
        case "ReduceMean", "ReduceMax":
            // Over H and W only: a global pool (keepdims 0 drops the two axes, a view).
            let input = try spatialInput(node, owner: owner)
            let axes = try (opset >= 18 ? constant(node, 1, owner: owner, what: "axes")?.ints : a.ints("axes")) ?? [0, 1, 2, 3]
            let resolved = try Set(axes.map { try normalizedAxis($0, rank: 4, owner: owner) })
            guard resolved == [2, 3] else {
                throw ONNXIssue("\(owner): a reduction over axes \(axes.sorted()) (Convoy reduces H and W, a global pool)")
            }
            let layer: Layer
            if node.opType == "ReduceMean" {
                layer = GlobalAvgPool2d()
            } else {
                layer = GlobalMaxPool2d()
            }
            let keep = try a.int("keepdims", default: 1) != 0
            try emit(node, layer, reading: input, info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0),
                     dims: { dims, shape in keep ? [1, shape.c, 1, 1] : [1, shape.c] }, followsFrame: false)
        case "GlobalAveragePool":
            try emit(node, GlobalAvgPool2d(), reading: try spatialInput(node, owner: owner),
                     info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0), followsFrame: false)
        case "Softmax":
            try importSoftmax(node, attributes: a, owner: owner)
        case "Concat":
            let inputs = try (0..<node.input.count).map { try layerInput(node, $0, owner: owner) }
            let axis = try normalizedAxis(try a.int("axis") ?? 1, rank: inputs[0].rank, owner: owner)
            guard axis == 1 else { throw ONNXIssue("\(owner): a concatenation on axis \(axis) (Convoy concatenates channels, axis 1)") }
            if inputs.count == 1 {
                fold(node, label: label, .runtime(inputs[0]), how: "a concatenation of one input, nothing at inference")
            } else {
                try emitMerge(node, Concat(), reading: inputs, type: "Concat")
            }
        case "Add", "Sub", "Mul", "Div", "Sum":
            try importArithmetic(node, label: label, owner: owner)
        case "Upsample", "Resize":
            try importResize(node, label: label, attributes: a, owner: owner)
        case "DepthToSpace":
            let input = try spatialInput(node, owner: owner)
            let block = try a.int("blocksize") ?? 0
            // Opset 11 adds mode; before it the order is always DCR.
            let mode = opset >= 11 ? try a.string("mode", default: "DCR") : "DCR"
            let layer: Layer = mode == "CRD" ? try PixelShuffle(upscaleFactor: block) : try DepthToSpace(blockSize: block, mode: .dcr)
            guard mode == "CRD" || mode == "DCR" else { throw ONNXIssue("\(owner): unknown mode \(MessageText.quote(mode))") }
            try emit(node, layer, reading: input, info: NodeInfo(type: "DepthToSpace", parameters: 0, multiplyAdds: 0))
        case "Gemm", "MatMul":
            try importDense(node, attributes: a, owner: owner)
        case "Gather", "Slice":
            throw ONNXIssue("\(owner): \(node.opType) of the frames' data (Convoy folds it only on shapes and constants)")
        default:
            throw ONNXIssue("\(owner): Convoy cannot run \(node.opType)")
        }
    }

    // MARK: - Helpers

    /// ConvTranspose: weight `[Cin, Cout / groups, kh, kw]`; pads from `pads`, or from
    /// `output_shape` / `auto_pad` as ONNX's formula gives them.
    mutating func importConvTranspose(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        let input = try spatialInput(node, owner: owner)
        let weight = try requiredConstant(node, 1, owner: owner, what: "weight")
        guard weight.dims.count == 4 else { throw ONNXIssue("\(owner): a weight of rank \(weight.dims.count) (Convoy runs 2-D)") }
        let bias = try constant(node, 2, owner: owner, what: "bias")
        let stride = try pair(a, "strides", default: 1, owner: owner)
        let dilation = try pair(a, "dilations", default: 1, owner: owner)
        let outputPadding = try pair(a, "output_padding", default: 0, owner: owner)
        let groups = try a.int("group", default: 1)
        let kernel = (weight.dims[2], weight.dims[3])
        var pads = try a.ints("pads") ?? [0, 0, 0, 0]
        guard pads.count == 4 else { throw ONNXIssue("\(owner): pads \(pads) must have 4 values") }
        let autoPad = try a.string("auto_pad", default: "NOTSET")
        let size = [input.dims[2], input.dims[3]], s = [stride.0, stride.1], d = [dilation.0, dilation.1], k = [kernel.0, kernel.1]
        let op = [outputPadding.0, outputPadding.1]
        var target: [Int]? = try a.ints("output_shape").map { Array($0.suffix(2)) }
        if target == nil && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") { target = [size[0] * s[0], size[1] * s[1]] }
        if let target {
            guard target.count == 2 else { throw ONNXIssue("\(owner): output_shape must give H and W") }
            for axis in 0..<2 {
                let total = max(0, s[axis] * (size[axis] - 1) + op[axis] + ((k[axis] - 1) * d[axis] + 1) - target[axis])
                let lower = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                pads[axis] = lower
                pads[axis + 2] = total - lower
            }
            if input.followsFrame { dependsOnFrameSize = true }
        } else if autoPad == "VALID" {
            pads = [0, 0, 0, 0]
        }
        let layer = try ConvTranspose2d(weight: weight.tensor(Shape(weight.dims)), bias: bias.map { $0.tensor(Shape($0.count)) },
                                        stride: stride, pads: (pads[0], pads[1], pads[2], pads[3]), outputPadding: outputPadding,
                                        dilation: dilation, groups: groups)
        try emit(node, layer, reading: input, info: NodeInfo(type: "ConvTranspose", parameters: weight.count + (bias?.count ?? 0),
                                                             multiplyAdds: weight.count / max(1, stride.0 * stride.1)))
    }

    /// `dims`' element count, refused past a bound (a corrupt or hostile file).
    func checkedCount(_ dims: [Int], owner: String) throws -> Int {
        var count = 1
        for dim in dims {
            guard dim >= 0 else { throw ONNXIssue("\(owner): negative size in \(dims)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= 1 << 26 else { throw ONNXIssue("\(owner): the shape \(dims) is too large to fold") }
            count = product
        }
        return count
    }

    /// The value of a `Constant` node (`value`, or from opset 12 `value_float(s)`, `value_int(s)`).
    func constantAttribute(_ a: ONNXAttributes, owner: String) throws -> ONNXConstant {
        if let tensor = try a.tensor("value") {
            return try reader.constant(tensor, role: "\(owner) value")
        }
        if let value = try a.float("value_float") { return ONNXConstant(dims: [], floats: [value]) }
        if let values = try a.floats("value_floats") { return ONNXConstant(dims: [values.count], floats: values) }
        if let value = try a.int("value_int") { return ONNXConstant(dims: [], integers: [Int64(value)]) }
        if let values = try a.ints("value_ints") { return ONNXConstant(dims: [values.count], integers: values.map { Int64($0) }) }
        throw ONNXIssue("\(owner) has no value Convoy reads (value, value_float(s) or value_int(s))")
    }

    /// A constant's values when it broadcasts against `input` as one value or one per channel
    /// (shape `[C, 1, 1]`, `[1, C, 1, 1]`, `[C]` against `[N, C]`, …).
    func channelVector(_ constant: ONNXConstant, for input: ONNXRuntimeTensor) -> [Float]? {
        if constant.count == 1 { return [constant.floats[0]] }
        guard constant.dims.count <= input.rank, input.rank >= 2 else { return nil }
        let padded = Array(repeating: 1, count: input.rank - constant.dims.count) + constant.dims
        for (axis, size) in padded.enumerated() where axis != 1 && size != 1 { return nil }
        return padded[1] == input.dims[1] ? constant.floats : nil
    }

    /// Input 0 as a 2-D map `[N, C, H, W]` (or `[N, C, L]` as `[N, C, L, 1]`).
    mutating func spatialInput(_ node: ONNXNodeProto, owner: String) throws -> ONNXRuntimeTensor {
        let input = try layerInput(node, 0, owner: owner)
        guard input.rank == 4 else {
            throw ONNXIssue("\(owner): an input of rank \(input.rank) (Convoy runs 2-D maps [N, C, H, W])")
        }
        return input
    }

    /// Input 0 as a map a convolution or pool slides over: a 2-D map `[N, C, H, W]`, or a 1-D
    /// one `[N, C, L]` run as `[N, C, L, 1]` (its attributes then have one value per axis, read
    /// by `pair` and `padding` with `axes` 1).
    mutating func slidingInput(_ node: ONNXNodeProto, owner: String) throws -> ONNXRuntimeTensor {
        let input = try layerInput(node, 0, owner: owner)
        guard input.rank == 4 || input.rank == 3 else {
            throw ONNXIssue("\(owner): an input of rank \(input.rank) (Convoy runs 1-D and 2-D maps, [N, C, L] and [N, C, H, W])")
        }
        return input
    }

    /// The begin and end padding of each spatial axis from `pads` `[top, left, bottom, right]` or
    /// `auto_pad`, for `input` (H, W), kernel spans (dilated) and strides.
    /// `axes` 1 reads the `[begin, end]` pads of a 1-D map as its H axis (W unpadded).
    mutating func padding(_ a: ONNXAttributes, input: (Int, Int), span: (Int, Int), stride: (Int, Int), owner: String,
                          axes: Int = 2) throws -> (y: Int, x: Int) {
        let autoPad = try a.string("auto_pad", default: "NOTSET")
        var begin = [0, 0], end = [0, 0]
        switch autoPad {
        case "NOTSET":
            let pads = try a.ints("pads") ?? Array(repeating: 0, count: 2 * axes)
            guard pads.count == 2 * axes else { throw ONNXIssue("\(owner): pads \(pads) must have \(2 * axes) values for a \(axes)-D map") }
            begin = axes == 2 ? [pads[0], pads[1]] : [pads[0], 0]
            end = axes == 2 ? [pads[2], pads[3]] : [pads[1], 0]
        case "VALID":
            break
        case "SAME_UPPER", "SAME_LOWER":
            for (axis, (size, (k, s))) in [(input.0, (span.0, stride.0)), (input.1, (span.1, stride.1))].enumerated() {
                let output = (size + s - 1) / s
                let total = max((output - 1) * s + k - size, 0)
                begin[axis] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                end[axis] = total - begin[axis]
                if s > 1 { dependsOnFrameSize = true }
            }
        default:
            throw ONNXIssue("\(owner): unknown auto_pad \(MessageText.quote(autoPad))")
        }
        guard begin == end else {
            throw ONNXIssue("\(owner): uneven padding (top \(begin[0]), left \(begin[1]), bottom \(end[0]), right \(end[1])); Convoy pads both sides alike so far")
        }
        return (begin[0], begin[1])
    }

    /// A kernel-like attribute with two values (`[y, x]`), or `value` for both when absent; with
    /// `axes` 1, one value (a 1-D map's, as its H axis) and `value` for W.
    func pair(_ a: ONNXAttributes, _ name: String, default value: Int, owner: String, axes: Int = 2) throws -> (Int, Int) {
        guard let values = try a.ints(name) else { return (value, value) }
        guard values.count == axes else { throw ONNXIssue("\(owner): \(name) \(values) must have \(axes) values for a \(axes)-D map") }
        return axes == 2 ? (values[0], values[1]) : (values[0], value)
    }

    // MARK: - Operators

    /// Pad of H and W: kept pending until the convolution that reads it takes it as its own
    /// padding (zeros added to its zero padding; reflect and edge as its border mode).
    mutating func importPad(_ node: ONNXNodeProto, label: String, attributes a: ONNXAttributes, owner: String) throws {
        guard case .runtime(var input)? = try value(node, 0, owner: owner), input.isLayerReadable, input.rank == 4 else {
            throw ONNXIssue("\(owner): Convoy pads 2-D maps [N, C, H, W]")
        }
        // Pads, value and mode: attributes before opset 11 (`paddings` in opset 1), inputs from 11.
        let pads: [Int]
        let fill: Float
        if opset < 11 {
            pads = try a.ints("pads") ?? a.ints("paddings") ?? []
            fill = try a.float("value", default: 0)
        } else {
            pads = try requiredConstant(node, 1, owner: owner, what: "pads").ints
            fill = try constant(node, 2, owner: owner, what: "constant value")?.floats.first ?? 0
            if try constant(node, 3, owner: owner, what: "axes") != nil {
                throw ONNXIssue("\(owner): pads with axes (Convoy reads pads for all four axes)")
            }
        }
        guard pads.count == 8, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0, pads.allSatisfy({ $0 >= 0 }) else {
            throw ONNXIssue("\(owner): pads \(pads) (Convoy pads H and W by whole samples)")
        }
        let mode = try a.string("mode", default: "constant")
        let border: BorderMode
        switch mode {
        case "constant": border = .zero
        case "reflect": border = .reflect
        case "edge": border = .replicate
        default: throw ONNXIssue("\(owner): \(mode) padding\(mode == "constant" ? " with \(fill)" : "") (Convoy pads with zeros, reflect and edge)")
        }
        if pads.allSatisfy({ $0 == 0 }) {
            fold(node, label: label, .runtime(input), how: "a pad by 0, nothing at inference")
            return
        }
        input.dims[2] += pads[2] + pads[6]
        input.dims[3] += pads[3] + pads[7]
        input.pad = ONNXRuntimeTensor.PendingPad(top: pads[2], left: pads[3], bottom: pads[6], right: pads[7], border: border, value: fill,
                                                 name: node.output.first ?? "pad")
        fold(node, label: label, .runtime(input), how: "padding taken by the convolution after it")
    }

    mutating func importConv(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        var input: ONNXRuntimeTensor
        var pending: ONNXRuntimeTensor.PendingPad? = nil
        if case .runtime(let padded)? = try value(node, 0, owner: owner), let pad = padded.pad, pad.value == 0,
           pad.top == pad.bottom, pad.left == pad.right {
            guard pad.top == pad.bottom, pad.left == pad.right else {
                throw ONNXIssue("\(owner) reads uneven padding (top \(pad.top), left \(pad.left), bottom \(pad.bottom), right \(pad.right))")
            }
            pending = pad
            input = padded
            input.pad = nil
            input.dims = input.storage.dims
        } else {
            input = try slidingInput(node, owner: owner)
        }
        let axes = input.rank - 2
        let weight = try requiredConstant(node, 1, owner: owner, what: "weight")
        guard weight.dims.count == input.rank else {
            throw ONNXIssue("\(owner): a weight of rank \(weight.dims.count) for an input of rank \(input.rank)")
        }
        if let kernel = try a.ints("kernel_shape"), kernel != Array(weight.dims[2...]) {
            throw ONNXIssue("\(owner): kernel_shape \(kernel) differs from the weight's \(Array(weight.dims[2...]))")
        }
        // A 1-D kernel [O, C/g, k] runs as [O, C/g, k, 1].
        let kernelDims = weight.dims + (axes == 1 ? [1] : [])
        let bias = try constant(node, 2, owner: owner, what: "bias")
        if let bias, bias.count != weight.dims[0] {
            throw ONNXIssue("\(owner): a bias of \(bias.count) values for \(weight.dims[0]) output channels")
        }
        let stride = try pair(a, "strides", default: 1, owner: owner, axes: axes)
        let dilation = try pair(a, "dilations", default: 1, owner: owner, axes: axes)
        let span = ((kernelDims[2] - 1) * dilation.0 + 1, (kernelDims[3] - 1) * dilation.1 + 1)
        var pad = try padding(a, input: (input.storage.h + 2 * (pending?.top ?? 0), input.storage.w + 2 * (pending?.left ?? 0)),
                              span: span, stride: stride, owner: owner, axes: axes)
        var border = BorderMode.zero
        if let pending {
            guard pending.border == .zero || pad == (0, 0) else {
                throw ONNXIssue("\(owner) pads its input both by a \(pending.border) Pad and by zeros")
            }
            pad = (pad.y + pending.top, pad.x + pending.left)
            border = pending.border
        }
        let groups = try a.int("group", default: 1)
        let layer = try Conv2d(weight: weight.tensor(Shape(kernelDims)), bias: bias.map { $0.tensor(Shape($0.count)) },
                               stride: stride, padding: pad, dilation: dilation, groups: groups, border: border)
        let macs = weight.dims.reduce(1, *)
        try emit(node, layer, reading: input, info: NodeInfo(type: "Conv", parameters: weight.count + (bias?.count ?? 0), multiplyAdds: macs))
    }

    mutating func importBatchNorm(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        let input = try layerInput(node, 0, owner: owner)
        guard input.rank >= 2 else { throw ONNXIssue("\(owner): an input of rank \(input.rank)") }
        // Opsets before 9 have `spatial` (1: per channel); opset 14 adds training_mode.
        if opset < 9, try a.int("spatial", default: 1) != 1 {
            throw ONNXIssue("\(owner): spatial = 0 (statistics per element, not per channel)")
        }
        if try a.int("training_mode", default: 0) != 0 {
            throw ONNXIssue("\(owner): training mode (Convoy runs inference)")
        }
        let parts = try ["scale", "bias", "mean", "variance"].enumerated().map { index, what -> Tensor in
            let constant = try requiredConstant(node, index + 1, owner: owner, what: what)
            guard constant.count == input.dims[1] else {
                throw ONNXIssue("\(owner): its \(what) has \(constant.count) values for \(input.dims[1]) channels")
            }
            return constant.tensor(Shape(constant.count))
        }
        let layer = try BatchNorm2d(weight: parts[0], bias: parts[1], runningMean: parts[2], runningVar: parts[3],
                                    eps: try a.float("epsilon", default: 1e-5))
        try emit(node, layer, reading: input, info: NodeInfo(type: "BatchNormalization", parameters: 2 * input.dims[1], multiplyAdds: 0))
    }

    mutating func importPool(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        let input = try slidingInput(node, owner: owner)
        let axes = input.rank - 2
        guard let given = try a.ints("kernel_shape"), given.count == axes else {
            throw ONNXIssue("\(owner): kernel_shape must have \(axes) values for a \(axes)-D map")
        }
        let kernel = axes == 1 ? given + [1] : given
        if node.output.count > 1, !node.output[1].isEmpty {
            throw ONNXIssue("\(owner): its Indices output (Convoy computes the values only)")
        }
        // Dilations from MaxPool 10 and AveragePool 19; Convoy's average pool has none.
        let dilation = try pair(a, "dilations", default: 1, owner: owner, axes: axes)
        guard dilation == (1, 1) || node.opType == "MaxPool" else { throw ONNXIssue("\(owner): dilated average pooling \(dilation)") }
        let stride = try pair(a, "strides", default: 1, owner: owner, axes: axes)
        let span = (dilation.0 * (kernel[0] - 1) + 1, dilation.1 * (kernel[1] - 1) + 1)
        let pad = try padding(a, input: (input.storage.h, input.storage.w), span: span, stride: stride, owner: owner, axes: axes)
        // ceil_mode from opset 10 (AveragePool 7+ also has count_include_pad, default 0).
        let ceil = opset >= 10 ? try a.int("ceil_mode", default: 0) != 0 : false
        let layer: Layer
        if node.opType == "MaxPool" {
            layer = try MaxPool2d(kernel: (kernel[0], kernel[1]), stride: stride, padding: pad, ceilMode: ceil, dilation: dilation)
        } else {
            layer = try AvgPool2d(kernel: (kernel[0], kernel[1]), stride: stride, padding: pad, ceilMode: ceil,
                                  countIncludePad: try a.int("count_include_pad", default: 0) != 0)
        }
        try emit(node, layer, reading: input, info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0))
    }

    mutating func importSoftmax(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        let input = try layerInput(node, 0, owner: owner)
        // Before opset 13 the input is seen as 2-D, [product of axes < axis, product of the rest],
        // and the softmax runs over the rest (default axis 1); from 13 over the one axis (default -1).
        let axis = try normalizedAxis(try a.int("axis") ?? (opset < 13 ? 1 : -1), rank: input.rank, owner: owner)
        let over = opset < 13 ? Array(axis..<input.rank) : [axis]
        guard over.contains(1), over.allSatisfy({ $0 == 1 || input.dims[$0] == 1 }) else {
            throw ONNXIssue("\(owner): a softmax over axes \(over) of \(MessageText.dims(input.dims)) (Convoy runs it over channels, axis 1)")
        }
        try emit(node, ChannelSoftmax(), reading: input, info: NodeInfo(type: "Softmax", parameters: 0, multiplyAdds: 0))
    }

    mutating func importArithmetic(_ node: ONNXNodeProto, label: String, owner: String) throws {
        let inputs = try (0..<node.input.count).map { try value(node, $0, owner: owner) }
        let runtime = inputs.compactMap { value -> ONNXRuntimeTensor? in
            if case .runtime(let tensor)? = value { return tensor }
            return nil
        }
        if node.opType == "Sum" || (node.opType == "Add" && runtime.count == inputs.count) {
            guard runtime.count == inputs.count else { throw ONNXIssue("\(owner): a sum of frames' data and constants") }
            let readable = try (0..<node.input.count).map { try layerInput(node, $0, owner: owner) }
            guard readable.allSatisfy({ $0.dims == readable[0].dims }) else {
                throw ONNXIssue("\(owner): a sum of shapes \(readable.map { MessageText.dims($0.dims) }.joined(separator: ", ")) (Convoy adds equal shapes so far)")
            }
            if readable.count == 1 {
                fold(node, label: label, .runtime(readable[0]), how: "a sum of one input, nothing at inference")
            } else {
                try emitMerge(node, Add(), reading: readable, type: node.opType)
            }
            return
        }
        if inputs.count == 2, runtime.count == 2 {
            let x = try layerInput(node, 0, owner: owner), y = try layerInput(node, 1, owner: owner)
            // x * sigmoid(x) and x * hardsigmoid(x), however spelled, as one layer.
            if node.opType == "Mul", let fused = fusedProduct(x, y) {
                let tensor = try emit(node, fused.layer, reading: fused.x, info: NodeInfo(type: fused.type, parameters: 0, multiplyAdds: 0))
                fusedParts[tensor.node] = fused.parts
                return
            }
            guard let operation = BinaryOperation(rawValue: node.opType) else { throw ONNXIssue("\(owner): unknown operation") }
            try emitMerge(node, BroadcastBinary(operation), reading: [x, y], type: node.opType)
            return
        }
        guard inputs.count == 2, runtime.count == 1 else {
            throw ONNXIssue("\(owner): \(node.opType) of \(inputs.count) inputs")
        }
        let constantFirst: Bool
        let constant: ONNXConstant
        if case .constant(let c)? = inputs[0] { constant = c; constantFirst = true }
        else if case .constant(let c)? = inputs[1] { constant = c; constantFirst = false }
        else { throw ONNXIssue("\(owner): \(node.opType) of one input (the other's name is empty)") }
        let input = try layerInput(node, constantFirst ? 1 : 0, owner: owner)
        guard let values = channelVector(constant, for: input), !(node.opType == "Div" && constantFirst) else {
            // Any other constant that broadcasts onto the input: as a rank-4 tensor.
            guard constant.dims.count <= input.rank, let broadcast = Self.broadcastDims(constant.dims, input.dims), broadcast == input.dims,
                  let operation = BinaryOperation(rawValue: node.opType) else {
                throw ONNXIssue("\(owner): a constant of shape \(MessageText.dims(constant.dims)) against \(MessageText.dims(input.dims))")
            }
            let padded = Array(repeating: 1, count: input.rank - constant.dims.count) + constant.dims
            let shape = ONNXRuntimeTensor.layerShape(padded)!
            try emit(node, try ConstantBinary(operation, constant: constant.tensor(shape), constantFirst: constantFirst), reading: input,
                     info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0))
            return
        }
        // x * clip(x + 3, 0, 6), then / 6 or * (1/6): one HardSwish.
        if values.count == 1, (node.opType == "Div" && abs(values[0] - 6) < 1e-6) || (node.opType == "Mul" && abs(values[0] - Float(1) / 6) < 1e-6),
           let fused = hardSwishBeforeScale(input) {
            let tensor = try emit(node, HardSwish(), reading: fused.x, info: NodeInfo(type: "\(node.opType) (x·clip(x + 3, 0, 6) / 6)", parameters: 0, multiplyAdds: 0))
            fusedParts[tensor.node] = fused.parts
            return
        }
        // A per-channel affine y = x * scale + shift, run as a batch norm with mean 0, variance 1
        // and epsilon 0 (so it folds into a convolution before it).
        let channels = input.dims[1]
        let expanded = values.count == 1 ? Array(repeating: values[0], count: channels) : values
        var scale = [Float](repeating: 1, count: channels), shift = [Float](repeating: 0, count: channels)
        switch (node.opType, constantFirst) {
        case ("Add", _): shift = expanded
        case ("Sub", false): shift = expanded.map { -$0 }
        case ("Sub", true): scale = Array(repeating: -1, count: channels); shift = expanded
        case ("Mul", _): scale = expanded
        case ("Div", false): scale = expanded.map { 1 / $0 }
        default: throw ONNXIssue("\(owner): a constant divided by the frames' data")
        }
        let layer = try BatchNorm2d(weight: Tensor(shape: Shape(channels), values: scale), bias: Tensor(shape: Shape(channels), values: shift),
                                    runningMean: Tensor(shape: Shape(channels), values: Array(repeating: 0, count: channels)),
                                    runningVar: Tensor(shape: Shape(channels), values: Array(repeating: 1, count: channels)), eps: 0)
        try emit(node, layer, reading: input, info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0))
    }

    mutating func importResize(_ node: ONNXNodeProto, label: String, attributes a: ONNXAttributes, owner: String) throws {
        let input = try spatialInput(node, owner: owner)
        let mode = try a.string("mode", default: "nearest")
        // Where the scales come from and how coordinates map, by operator and opset: Upsample 7
        // (attribute scales) and 9 (input 1), Resize 10 (input 1, asymmetric), Resize 11+
        // (roi, scales, sizes; coordinate_transformation_mode, nearest_mode).
        var scales: [Float]?
        var sizes: [Int]?
        var coordinates = "asymmetric"
        var nearest = "floor"
        if node.opType == "Upsample" {
            scales = opset < 9 ? try a.floats("scales") : try constant(node, 1, owner: owner, what: "scales")?.floats
        } else if opset < 11 {
            scales = try constant(node, 1, owner: owner, what: "scales")?.floats
        } else {
            scales = try constant(node, 2, owner: owner, what: "scales")?.floats
            sizes = try constant(node, 3, owner: owner, what: "sizes")?.ints
            if scales?.isEmpty == true { scales = nil }
            coordinates = try a.string("coordinate_transformation_mode", default: "half_pixel")
            nearest = try a.string("nearest_mode", default: "round_prefer_floor")
            if let axes = try a.ints("axes") {
                let resolved = try axes.map { try normalizedAxis($0, rank: 4, owner: owner) }
                guard resolved == [0, 1, 2, 3] else {
                    throw ONNXIssue("\(owner): axes \(axes) (Convoy resizes all four axes as given)")
                }
            }
            if try a.int("antialias", default: 0) != 0 || a.int("exclude_outside", default: 0) != 0 {
                throw ONNXIssue("\(owner): antialias or exclude_outside")
            }
        }
        let target: ResizeTarget
        var factor: (Int, Int)? = nil
        if let sizes {
            guard sizes.count == 4, sizes[0] == input.dims[0] || sizes[0] == 1, sizes[1] == input.dims[1] else {
                throw ONNXIssue("\(owner): sizes \(sizes) for \(MessageText.dims(input.dims)) (Convoy resizes H and W)")
            }
            target = .sizes(height: sizes[2], width: sizes[3])
            if sizes[2] % input.dims[2] == 0, sizes[3] % input.dims[3] == 0 {
                factor = (sizes[2] / input.dims[2], sizes[3] / input.dims[3])
            }
        } else if let scales {
            guard scales.count == 4, scales[0] == 1, scales[1] == 1, scales[2] > 0, scales[3] > 0 else {
                throw ONNXIssue("\(owner): scales \(scales) (Convoy resizes H and W)")
            }
            target = .scales(y: scales[2], x: scales[3])
            if scales[2] >= 1, scales[3] >= 1, scales[2] == scales[2].rounded(), scales[3] == scales[3].rounded() {
                factor = (Int(scales[2]), Int(scales[3]))
            }
        } else {
            throw ONNXIssue("\(owner) has neither scales nor sizes")
        }
        // Whole factors where the existing Upsample computes the same samples; Resize2d otherwise.
        var layer: Layer? = nil
        if let factor {
            if factor == (1, 1) {
                fold(node, label: label, .runtime(input), how: "a resize by 1, nothing at inference")
                return
            }
            switch mode {
            case "nearest":
                let exact = (coordinates == "asymmetric" && nearest == "floor")
                    || (["half_pixel", "pytorch_half_pixel"].contains(coordinates) && nearest.hasPrefix("round_prefer"))
                    || (coordinates == "tf_half_pixel_for_nn" && nearest == "floor")
                if exact { layer = Upsample(scale: factor, mode: .nearest) }
            case "linear", "bilinear":
                if ["half_pixel", "pytorch_half_pixel"].contains(coordinates) { layer = Upsample(scale: factor, mode: .bilinear, alignCorners: false) }
                if coordinates == "align_corners" { layer = Upsample(scale: factor, mode: .bilinear, alignCorners: true) }
            default:
                break
            }
        }
        if layer == nil {
            guard let resizeMode = ResizeMode(rawValue: mode == "bilinear" ? "linear" : mode) else {
                throw ONNXIssue("\(owner): \(mode) resizing (Convoy runs nearest and linear)")
            }
            guard let coordinateMode = ResizeCoordinateMode(rawValue: coordinates) else {
                throw ONNXIssue("\(owner): \(coordinates) coordinates")
            }
            guard let nearestMode = ResizeNearestMode(rawValue: nearest) else {
                throw ONNXIssue("\(owner): nearest_mode \(nearest)")
            }
            layer = Resize2d(mode: resizeMode, coordinates: coordinateMode, nearest: nearestMode, target: target)
        }
        try emit(node, layer!, reading: input, info: NodeInfo(type: node.opType, parameters: 0, multiplyAdds: 0))
    }

    /// Gemm and MatMul with constant weights on `[N, K]`: a 1×1 convolution on `[N, K, 1, 1]`, or,
    /// after a flatten of `[N, C, H, W]`, one convolution whose kernel covers the whole map.
    mutating func importDense(_ node: ONNXNodeProto, attributes a: ONNXAttributes, owner: String) throws {
        guard case .runtime(let input)? = try value(node, 0, owner: owner) else {
            throw ONNXIssue("\(owner): its first input must be the frames' data")
        }
        guard input.rank == 2, input.shuffle == nil else {
            throw ONNXIssue("\(owner): an input of shape \(MessageText.dims(input.dims)) (Convoy runs heads on [N, K])")
        }
        let b = try requiredConstant(node, 1, owner: owner, what: "weight")
        guard b.dims.count == 2 else { throw ONNXIssue("\(owner): a weight of rank \(b.dims.count)") }
        var weight = b
        var alpha: Float = 1, beta: Float = 1
        if node.opType == "Gemm" {
            guard try a.int("transA", default: 0) == 0 else { throw ONNXIssue("\(owner): transA = 1 on the frames' data") }
            alpha = try a.float("alpha", default: 1)
            beta = try a.float("beta", default: 1)
            if try a.int("transB", default: 0) == 0 { weight = try transpose(b, perm: [1, 0], owner: owner) }
        } else {
            weight = try transpose(b, perm: [1, 0], owner: owner)
        }
        // weight: [Kout, K]
        let (outputs, k) = (weight.dims[0], weight.dims[1])
        guard k == input.dims[1] else {
            throw ONNXIssue("\(owner): a weight for \(k) inputs on \(MessageText.dims(input.dims))")
        }
        var bias: [Float]? = nil
        if node.opType == "Gemm", let c = try constant(node, 2, owner: owner, what: "bias") {
            let padded = Array(repeating: 1, count: max(0, 2 - c.dims.count)) + c.dims
            guard c.count == 1 || (padded.count == 2 && padded[0] == 1 && padded[1] == outputs) else {
                throw ONNXIssue("\(owner): a bias of shape \(MessageText.dims(c.dims)) for \(outputs) outputs")
            }
            bias = (c.count == 1 ? Array(repeating: c.floats[0], count: outputs) : c.floats).map { $0 * beta }
        }
        let kernel = (input.storage.h, input.storage.w)
        guard input.storage.c * kernel.0 * kernel.1 == k else {
            throw ONNXIssue("\(owner): reads \(MessageText.dims(input.dims)) as a view of \(MessageText.dims(input.storage.dims)) Convoy cannot take")
        }
        let values = weight.floats.map { $0 * alpha }
        let layer = try Conv2d(weight: Tensor(shape: Shape(outputs, input.storage.c, kernel.0, kernel.1), values: values),
                               bias: bias.map { Tensor(shape: Shape(outputs), values: $0) })
        if kernel != (1, 1) { dependsOnFrameSize = dependsOnFrameSize || input.followsFrame }
        try emit(node, layer, reading: ONNXRuntimeTensor(node: input.node, storage: input.storage, dims: input.storage.dims, followsFrame: input.followsFrame),
                 info: NodeInfo(type: node.opType, parameters: weight.count + (bias?.count ?? 0), multiplyAdds: weight.count),
                 dims: { _, shape in [shape[0], shape[1]] }, followsFrame: false)
    }

    /// Reshape, Flatten, Squeeze and Unsqueeze of run-time data: views (no data moves), or the
    /// end of a pixel or channel shuffle.
    mutating func importView(_ node: ONNXNodeProto, label: String, attributes a: ONNXAttributes, owner: String) throws {
        guard case .runtime(let input)? = try value(node, 0, owner: owner) else {
            throw ONNXIssue("\(owner) lacks its input")
        }
        let dims: [Int]
        switch node.opType {
        case "Reshape":
            let target = try opset >= 5 ? try requiredConstant(node, 1, owner: owner, what: "target shape").ints : a.ints("shape") ?? []
            dims = try reshapedDims(input.dims, target, allowZero: try a.int("allowzero", default: 0) != 0, owner: owner)
        case "Flatten":
            let axis = try normalizedAxis(try a.int("axis", default: 1), rank: input.rank, inclusive: true, owner: owner)
            dims = [input.dims[..<axis].reduce(1, *), input.dims[axis...].reduce(1, *)]
        case "Squeeze":
            let axes = try opset >= 13 ? constant(node, 1, owner: owner, what: "axes")?.ints : a.ints("axes")
            // Without axes every size-1 axis goes, but never the batch.
            let list = axes ?? input.dims.indices.filter { $0 > 0 && input.dims[$0] == 1 }
            dims = list.isEmpty ? input.dims : try squeezed(input.dims, axes: list, owner: owner)
        default:
            let axes = try opset >= 13 ? requiredConstant(node, 1, owner: owner, what: "axes").ints : a.ints("axes") ?? []
            dims = try unsqueezed(input.dims, axes: axes, owner: owner)
        }
        guard dims.first == 1, input.dims.first == 1 else {
            throw ONNXIssue("\(owner): a reshape of \(MessageText.dims(input.dims)) to \(MessageText.dims(dims)) that moves the batch axis")
        }
        if let shuffle = input.shuffle {
            let c = input.storage.c, h = input.storage.h, w = input.storage.w
            switch shuffle {
            case .depthToSpaceCRD(let r):
                guard dims == [1, c / (r * r), h * r, w * r] else { break }
                try emit(node, try PixelShuffle(upscaleFactor: r), reading: ONNXRuntimeTensor(node: input.node, storage: input.storage,
                         dims: input.storage.dims, followsFrame: input.followsFrame), info: NodeInfo(type: "DepthToSpace", parameters: 0, multiplyAdds: 0))
                return
            case .depthToSpaceDCR(let r):
                guard dims == [1, c / (r * r), h * r, w * r] else { break }
                try emit(node, try DepthToSpace(blockSize: r, mode: .dcr), reading: ONNXRuntimeTensor(node: input.node, storage: input.storage,
                         dims: input.storage.dims, followsFrame: input.followsFrame), info: NodeInfo(type: "DepthToSpace", parameters: 0, multiplyAdds: 0))
                return
            case .channelShuffle(let groups):
                guard dims == [1, c, h, w] || dims == input.storage.dims else { break }
                try emit(node, try ChannelShuffle(groups: groups), reading: ONNXRuntimeTensor(node: input.node, storage: input.storage,
                         dims: input.storage.dims, followsFrame: input.followsFrame), info: NodeInfo(type: "ChannelShuffle", parameters: 0, multiplyAdds: 0))
                return
            }
            throw ONNXIssue("\(owner): a transposed view reshaped to \(MessageText.dims(dims)), which is no pixel or channel shuffle")
        }
        fold(node, label: label, .runtime(ONNXRuntimeTensor(node: input.node, storage: input.storage, dims: dims, followsFrame: input.followsFrame)),
             how: "a view, no data moves")
    }

    /// A Transpose of run-time data: only the middle of a pixel shuffle (or an identity) so far.
    mutating func importTranspose(_ node: ONNXNodeProto, label: String, attributes a: ONNXAttributes, owner: String) throws {
        guard case .runtime(let input)? = try value(node, 0, owner: owner) else { throw ONNXIssue("\(owner) lacks its input") }
        let perm = try a.ints("perm") ?? Array((0..<input.rank).reversed())
        if perm == Array(0..<input.rank) {
            fold(node, label: label, .runtime(input), how: "an identity transpose")
            return
        }
        let d = input.dims
        var shuffle: ONNXRuntimeTensor.Shuffle?
        if input.shuffle == nil, d.count == 6, perm == [0, 1, 4, 2, 5, 3], d[2] == d[3],
           input.storage.dims == [1, d[1] * d[2] * d[3], d[4], d[5]] {
            shuffle = .depthToSpaceCRD(blockSize: d[2])
        } else if input.shuffle == nil, d.count == 6, perm == [0, 3, 4, 1, 5, 2], d[1] == d[2],
                  input.storage.dims == [1, d[1] * d[2] * d[3], d[4], d[5]] {
            shuffle = .depthToSpaceDCR(blockSize: d[1])
        } else if input.shuffle == nil, d.count == 5, perm == [0, 2, 1, 3, 4], input.storage.dims == [1, d[1] * d[2], d[3], d[4]] {
            shuffle = .channelShuffle(groups: d[1])
        }
        guard let shuffle else {
            throw ONNXIssue("\(owner): a transpose \(perm) of \(MessageText.dims(d)) (Convoy runs transposes that make a pixel or channel shuffle)")
        }
        var result = input
        result.dims = perm.map { d[$0] }
        result.shuffle = shuffle
        fold(node, label: label, .runtime(result), how: "part of a shuffle")
    }
}
