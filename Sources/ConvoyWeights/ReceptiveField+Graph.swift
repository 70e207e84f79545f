import ConvoyNN

extension ReceptiveField {
    /// The field of a `Graph`, read from its layers: ConvoyNN's convolution, pooling, upsampling,
    /// pixel shuffle, global pooling, pointwise layers (activations, `Normalize`, `BatchNorm2d`,
    /// `ChannelSoftmax`, `ChannelPairMagnitude`), the ONNX layers whose reads are local
    /// (`DepthToSpace`, `SpaceToDepth`, `Resize2d` by whole scales, the elementwise layers,
    /// `ChannelAffine`, `LocalResponseNorm`, `ChannelShuffle`, `ConstantBinary` with a constant
    /// that is the same over the plane), `Sequential` chains of these, and the `Concat`, `Add`
    /// and `BroadcastBinary` merges. Any other layer or merge type makes the graph not tileable: what it
    /// reads is unknown.
    ///
    /// For a loaded model this agrees with `init(spec:)` (the graph adds a pointwise
    /// normalisation and folds batch norms into convolutions, neither of which moves a read).
    public init(graph: Graph) {
        var taken = Set(graph.nodes.map(\.name))
        var nodes: [Node] = []
        for node in graph.nodes {
            switch node.operation {
            case .merge(let merge):
                // BroadcastBinary reads its inputs where it writes; an input broadcast over the
                // plane comes from a global node, which is untileable itself.
                let known = merge is Concat || merge is Add || merge is BroadcastBinary
                nodes.append(Node(name: node.name, inputs: node.inputs,
                                  rule: known ? .merge : .untileable("(\(type(of: merge))) is a merge whose reads are not known")))
            case .layer(let layer):
                Self.append(layer, name: node.name, input: node.inputs[0], to: &nodes, taken: &taken)
            }
        }
        self.init(nodes: nodes, outputs: graph.outputs)
    }

    /// Appends `layer` as node `name` reading `input`; a `Sequential` becomes a chain of nodes
    /// whose last one is `name` (the others get names no graph node has).
    private static func append(_ layer: Layer, name: String, input: String, to nodes: inout [Node], taken: inout Set<String>) {
        if let convolution = layer as? Conv2d, convolution.fusedMaxPool {
            // Read as the convolution, then its 2×2 pool.
            let inner = uniqueName("\(name)[0]", taken: &taken)
            nodes.append(Node(name: inner, inputs: [input], rule: rule(for: convolution)))
            nodes.append(Node(name: name, inputs: [inner],
                              rule: .layer(y: .window(span: 2, stride: 2, padding: 0), x: .window(span: 2, stride: 2, padding: 0))))
            return
        }
        guard let sequential = layer as? Sequential, !sequential.layers.isEmpty else {
            let rule = (layer as? Sequential).map { _ in Node.Rule.layer(y: .pointwise, x: .pointwise) } ?? rule(for: layer)
            nodes.append(Node(name: name, inputs: [input], rule: rule))
            return
        }
        var source = input
        for (index, inner) in sequential.layers.enumerated() {
            let innerName = index < sequential.layers.count - 1 ? uniqueName("\(name)[\(index)]", taken: &taken) : name
            append(inner, name: innerName, input: source, to: &nodes, taken: &taken)
            source = innerName
        }
    }

    /// `base`, primed until no graph node has the name; then taken.
    private static func uniqueName(_ base: String, taken: inout Set<String>) -> String {
        var name = base
        while taken.contains(name) { name += "'" }
        taken.insert(name)
        return name
    }

    /// How a ConvoyNN layer reads.
    private static func rule(for layer: Layer) -> Node.Rule {
        switch layer {
        case let convolution as Conv2d:
            return convolutionRule(
                kernel: (convolution.weight.shape[2], convolution.weight.shape[3]), stride: convolution.stride,
                padding: convolution.padding, dilation: convolution.dilation,
                zeroPadded: convolution.border == .zero, borderName: convolution.border.rawValue
            )
        case let pool as MaxPool2d:
            // A dilated window spans dilation · (kernel − 1) + 1 samples.
            return .layer(y: .window(span: pool.dilation.y * (pool.kernel.y - 1) + 1, stride: pool.stride.y, padding: pool.padding.y),
                          x: .window(span: pool.dilation.x * (pool.kernel.x - 1) + 1, stride: pool.stride.x, padding: pool.padding.x))
        case let pool as AvgPool2d:
            return .layer(y: .window(span: pool.kernel.y, stride: pool.stride.y, padding: pool.padding.y),
                          x: .window(span: pool.kernel.x, stride: pool.stride.x, padding: pool.padding.x))
        case let upsample as Upsample:
            return upsampleRule(scale: upsample.scale, mode: upsample.mode, alignCorners: upsample.alignCorners)
        case let shuffle as PixelShuffle:
            return .layer(y: .replicate(factor: shuffle.upscaleFactor), x: .replicate(factor: shuffle.upscaleFactor))
        case let shuffle as DepthToSpace:
            return .layer(y: .replicate(factor: shuffle.blockSize), x: .replicate(factor: shuffle.blockSize))
        case let blocks as SpaceToDepth:
            return .layer(y: .window(span: blocks.blockSize, stride: blocks.blockSize, padding: 0),
                          x: .window(span: blocks.blockSize, stride: blocks.blockSize, padding: 0))
        case let resize as Resize2d:
            return resizeRule(resize)
        case let pad as Pad2d:
            return padRule(pad)
        case is GlobalAvgPool2d:
            return .untileable("(GlobalAvgPool2d) averages over the whole frame")
        case is GlobalMaxPool2d:
            return .untileable("(GlobalMaxPool2d) takes the maximum over the whole frame")
        case let constant as ConstantBinary where constant.constant.shape.h > 1 || constant.constant.shape.w > 1:
            return .untileable("(ConstantBinary) reads a constant map of the frame's size")
        case is ReLU, is LeakyReLU, is PReLU, is Sigmoid, is Tanh, is ChannelSoftmax, is Normalize, is BatchNorm2d,
             is ChannelPairMagnitude, is ELU, is HardSigmoid, is HardSwish, is Clip, is SiLU, is ChannelAffine,
             is ConstantBinary, is LocalResponseNorm, is ChannelShuffle:
            return .layer(y: .pointwise, x: .pointwise)
        default:
            return .untileable("(\(type(of: layer))) is a layer whose reads are not known")
        }
    }

    /// A `Pad2d` with a constant: output `i` reads input `i - begin` alone, described as a
    /// window of padding `p = max(begin, end)` and span `2p - begin - end + 1` (which reads that
    /// sample and, when `end > begin`, a few before it, and gives the padded length). Mirrored or
    /// repeated edges, and crops, depend on where the frame ends.
    private static func padRule(_ pad: Pad2d) -> Node.Rule {
        let axes = [pad.rows, pad.columns]
        if case .constant = pad.mode, axes.allSatisfy({ $0.begin >= 0 && $0.end >= 0 }) {
            let steps = axes.map { axis -> AxisStep in
                let padding = max(axis.begin, axis.end)
                return .window(span: 2 * padding - axis.begin - axis.end + 1, stride: 1, padding: padding)
            }
            return .layer(y: steps[0], x: steps[1])
        }
        if axes.allSatisfy({ $0.begin == 0 && $0.end == 0 }) {
            return .layer(y: .pointwise, x: .pointwise)
        }
        return .untileable("(Pad2d) that mirrors, repeats or crops the frame's edge depends on where the frame ends")
    }

    /// A `Resize2d` by whole scales whose samples sit where `Upsample`'s do: nearest with
    /// half-pixel coordinates and rounding to the nearest (every position is strictly within half
    /// a sample of `o / scale` rounded down) or asymmetric coordinates rounded down, and linear
    /// with half-pixel coordinates. Fixed sizes and other modes place samples by the frame's size.
    private static func resizeRule(_ resize: Resize2d) -> Node.Rule {
        guard case .scales(let y, let x) = resize.target, y >= 1, x >= 1, y == y.rounded(), x == x.rounded(),
              y < 1024, x < 1024 else {
            return .untileable("(Resize2d) to fixed sizes or by scales that are not whole places its samples by the frame's size")
        }
        let factor = (y: Int(y), x: Int(x))
        let halfPixel = resize.coordinates == .halfPixel || resize.coordinates == .pytorchHalfPixel
        let rounds = resize.nearest == .roundPreferFloor || resize.nearest == .roundPreferCeil
        switch resize.mode {
        case .nearest where (halfPixel && rounds) || (resize.coordinates == .asymmetric && resize.nearest == .floor):
            return .layer(y: .replicate(factor: factor.y), x: .replicate(factor: factor.x))
        case .linear where halfPixel:
            return .layer(y: .interpolate(factor: factor.y), x: .interpolate(factor: factor.x))
        default:
            return .untileable("(Resize2d) with \(resize.mode.rawValue) sampling and \(resize.coordinates.rawValue) coordinates "
                + "places its samples by the frame's size")
        }
    }
}
