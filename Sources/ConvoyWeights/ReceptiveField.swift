import ConvoyTensor
import ConvoyNN

/// What a tile of the input must hold so that a model run on the tile gives the same output
/// samples as the model run on the whole frame: for each output its scale, the halo around the
/// tile, and the grid tiles start on. Computed from a model file (`init(spec:)`) or a `Graph`
/// (`init(graph:)`), rows and columns independently (every layer Convoy knows reads a rectangle).
///
/// The tiling this describes, along one axis of an `H`-pixel frame:
/// - The frame is cut into cores `A0 ..< A1` whose starts are multiples of `alignment`.
/// - Output `o`, at `scale` samples per input pixel, has samples `A0 * scale ..< A1 * scale`
///   owned by that core (clamped to the output's length; the first core also owns everything
///   before, the last everything after, so the cores' shares cover the output exactly once).
/// - The tile run through the model is the core widened by `halo` on each side, its start moved
///   down to a multiple of `alignment` and its end up to a multiple of `alignment` before `H`,
///   clipped to `0 ..< H`. (Its length is then that of a tile on the grid ending at the frame's
///   end, so layers whose inputs must agree in size, as a concat's, see sizes that agree.) Where
///   the tile is clipped, its edge is the frame's edge and the model's own padding applies there
///   just as on the whole frame.
/// - The tile's outputs start at sample `start * scale` of the whole frame's (integer, because
///   `start` is a multiple of `alignment`), so the owned samples are copied out from there.
///
/// Why the owned samples are exact: starting on the alignment grid puts every strided layer's
/// windows where they are on the whole frame (tile sample `j` of every tensor is frame sample
/// `start * scale + j`), and the halo is the exact reach of the owned samples through every
/// layer (`AxisStep.inputReach`), accumulated from the outputs back to the input, taking the
/// larger reach where paths join. Samples near a tile edge inside the frame see padding where the
/// frame has pixels; they are outside the reach of the owned samples and are dropped.
///
/// Per layer, in its own input's samples, with the owned samples' reach `b` before and `a` after:
/// - convolution (kernel `k`, dilation `d`, stride `s`, padding `p`, span `e = d (k - 1) + 1`)
///   and pooling (span `k`): `b s + p` before, `a s + e - p - s` after. A 3×3 convolution with
///   padding 1 reaches 1 on both sides; a stride-2 one 1 before and 0 after; a 2×2 kernel with
///   no padding 0 before and 1 after. Ceil-mode pooling reads no more than this: the extra
///   window it adds at the end of a tile that ends inside the frame reads the tile's edge and is
///   dropped with the halo, and a tile that reaches the frame's end ends where the frame does.
///   `reflect` or `replicate` padding of at most half the dilated kernel mirrors reads onto
///   samples the same window reads anyway, so it needs no more.
/// - nearest upsampling and pixel shuffle by `r`: `ceil(b / r)`, `ceil(a / r)`; so 0 for 0.
/// - bilinear upsampling by `r` (half-pixel centres): `ceil((2b + r) / 2r)` before and
///   `floor((2a - 1 - r) / 2r) + 2` after; 1 on each side for 0.
/// - activations, normalisation, batch norm, channel softmax, concat, add: unchanged.
///
/// `alignment` is, per axis, the least common multiple of the denominators of every tensor's
/// scale: the smallest step that keeps each strided layer's windows on the frame's grid (2 after
/// one stride-2 layer, 4 after two, still 2 for a stride-2 layer followed by upsampling by 2).
///
/// Not tileable (`untileableReason` says which layer and why), because an output sample could
/// depend on the frame's size or on pixels anywhere:
/// - `global_avgpool` (`GlobalAvgPool2d`);
/// - bilinear upsampling with `align_corners` (its sample positions depend on the frame size);
/// - a convolution with `reflect` or `replicate` padding wider than half its dilated kernel
///   (the mirrored reads could fall outside the windows' own reach);
/// - a merge of tensors at different scales (their sizes agree for some frame sizes only);
/// - in a `Graph`, a layer of a type ConvoyNN does not define, whose reads are unknown.
/// Layers no output depends on are ignored.
public struct ReceptiveField: Hashable, Sendable {
    /// One entry per model output, in the model's output order; empty when not tileable.
    public let outputs: [Output]
    /// Tile starts are multiples of this many input pixels (`y` rows, `x` columns); 1 when not
    /// tileable.
    public let alignment: SpatialPair
    /// Why the model cannot be run in tiles, or nil when it can.
    public let untileableReason: String?

    /// Whether the model can be run in tiles.
    public var isTileable: Bool { untileableReason == nil }

    /// The largest halo of any output on each side: enough for all outputs at once.
    public var halo: Halo {
        outputs.reduce(Halo.zero) { $0.union($1.halo) }
    }

    /// The field of the layers of a model file. A spec that `ModelSpec.parse` did not check may
    /// name inputs that do not exist; it is then declared not tileable.
    public init(spec: ModelSpec) {
        let nodes = spec.layers.indices.map { index -> Node in
            let layer = spec.layers[index]
            return Node(name: layer.name, inputs: spec.sources(of: index), rule: Self.rule(for: layer))
        }
        self.init(nodes: nodes, outputs: spec.outputs)
    }

    /// The field of a loaded model (its model file's).
    public init(model: LoadedModel) {
        guard let spec = model.spec else {
            self.init(graph: model.graph)
            return
        }
        self.init(spec: spec)
    }

    /// The field of an untileable model.
    private init(untileable reason: String) {
        self.init(outputs: [], alignment: SpatialPair(1), untileableReason: reason)
    }

    private init(outputs: [Output], alignment: SpatialPair, untileableReason: String?) {
        self.outputs = outputs
        self.alignment = alignment
        self.untileableReason = untileableReason
    }

    /// The field of `nodes` (in an order they can run in, reading `Graph.inputName` or earlier
    /// nodes) for the named outputs.
    init(nodes: [Node], outputs names: [String]) {
        // Only the nodes some output depends on matter.
        var positions: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            positions[node.name] = index
        }
        var live = Set(names)
        for node in nodes.reversed() where live.contains(node.name) {
            live.formUnion(node.inputs)
        }
        for name in live where name != Graph.inputName && positions[name] == nil {
            self = ReceptiveField(untileable: "it reads \(MessageText.quote(name)), which is not a layer of the model")
            return
        }
        let order = nodes.filter { live.contains($0.name) }
        for node in order {
            if case .untileable(let reason) = node.rule {
                self = ReceptiveField(untileable: "layer \(MessageText.quote(node.name)) \(reason)")
                return
            }
            if case .layer(let y, let x) = node.rule, let limit = [y, x].first(where: { !$0.isModest }) {
                self = ReceptiveField(untileable: "layer \(MessageText.quote(node.name)) has a window or factor too large to tile (\(limit))")
                return
            }
        }

        // Scales, forwards; the alignment is the least common multiple of their denominators.
        var scales: [String: (y: ScaleFactor, x: ScaleFactor)] = [Graph.inputName: (.one, .one)]
        var alignment = (y: 1, x: 1)
        for node in order {
            let known = node.inputs.compactMap { scales[$0] }
            guard known.count == node.inputs.count, !known.isEmpty else {
                self = ReceptiveField(untileable: "layer \(MessageText.quote(node.name)) reads a layer listed after it")
                return
            }
            let incoming = known
            let scale: (y: ScaleFactor, x: ScaleFactor)
            switch node.rule {
            case .merge:
                if let different = incoming.first(where: { $0 != incoming[0] }) {
                    self = ReceptiveField(untileable: "layer \(MessageText.quote(node.name)) merges tensors at different scales "
                        + "(\(Self.describe(incoming[0])) and \(Self.describe(different)) of the input)")
                    return
                }
                scale = incoming[0]
            case .layer(let stepY, let stepX):
                guard let y = stepY.outputScale(incoming[0].y), let x = stepX.outputScale(incoming[0].x),
                      let alignY = ScaleFactor.lcm(alignment.y, y.denominator), let alignX = ScaleFactor.lcm(alignment.x, x.denominator),
                      max(y.numerator, y.denominator, x.numerator, x.denominator, alignY, alignX) <= Self.largest else {
                    self = ReceptiveField(untileable: "layer \(MessageText.quote(node.name)) scales the input too far to tile")
                    return
                }
                scale = (y, x)
                alignment = (alignY, alignX)
            case .untileable:
                preconditionFailure("untileable nodes were reported above")
            }
            scales[node.name] = scale
        }

        // Reach, backwards from each output: `(before, after)` per axis, in each tensor's samples.
        var fields: [Output] = []
        for name in names {
            var reach: [String: (y: (before: Int, after: Int), x: (before: Int, after: Int))] = [name: ((0, 0), (0, 0))]
            for node in order.reversed() {
                guard let own = reach[node.name] else { continue }
                var needed = own
                if case .layer(let y, let x) = node.rule {
                    needed = (y.inputReach(before: own.y.before, after: own.y.after), x.inputReach(before: own.x.before, after: own.x.after))
                }
                guard [needed.y.before, needed.y.after, needed.x.before, needed.x.after].allSatisfy({ abs($0) <= Self.largest }) else {
                    self = ReceptiveField(untileable: "output \(MessageText.quote(name)) depends on pixels too far away to tile")
                    return
                }
                for input in node.inputs {
                    if let known = reach[input] {
                        reach[input] = ((max(known.y.before, needed.y.before), max(known.y.after, needed.y.after)),
                                        (max(known.x.before, needed.x.before), max(known.x.after, needed.x.after)))
                    } else {
                        reach[input] = needed
                    }
                }
            }
            let input = reach[Graph.inputName] ?? ((0, 0), (0, 0))
            let halo = Halo(top: max(input.y.before, 0), bottom: max(input.y.after, 0),
                            left: max(input.x.before, 0), right: max(input.x.after, 0))
            let scale = scales[name]!
            fields.append(Output(name: name, scaleY: scale.y, scaleX: scale.x, halo: halo))
        }
        self = ReceptiveField(outputs: fields, alignment: SpatialPair(y: alignment.y, x: alignment.x), untileableReason: nil)
    }

    /// Bound on scale terms, alignments and halos (2⁴⁰): far beyond any real model, and small
    /// enough that the arithmetic above cannot overflow.
    static let largest = 1 << 40

    /// `1/2 × 1` (rows × columns).
    private static func describe(_ scale: (y: ScaleFactor, x: ScaleFactor)) -> String {
        "\(scale.y)×\(scale.x)"
    }

    /// How a layer of a model file reads.
    private static func rule(for layer: ModelLayerSpec) -> Node.Rule {
        switch layer.operation {
        case .conv2d(_, _, let kernel, let stride, let padding, let dilation, _, _, let border):
            return convolutionRule(kernel: kernel.tuple, stride: stride.tuple, padding: padding.tuple, dilation: dilation.tuple,
                                   zeroPadded: border == .zero, borderName: border.rawValue)
        case .maxPool(let kernel, let stride, let padding, _), .avgPool(let kernel, let stride, let padding, _, _):
            return .layer(y: .window(span: kernel.y, stride: stride.y, padding: padding.y),
                          x: .window(span: kernel.x, stride: stride.x, padding: padding.x))
        case .globalAvgPool:
            return .untileable("(global_avgpool) averages over the whole frame")
        case .upsample(let scale, let mode, let alignCorners):
            return upsampleRule(scale: scale.tuple, mode: mode, alignCorners: alignCorners)
        case .pixelShuffle(let factor):
            return .layer(y: .replicate(factor: factor), x: .replicate(factor: factor))
        case .relu, .leakyReLU, .prelu, .sigmoid, .tanh, .softmax, .batchNorm:
            return .layer(y: .pointwise, x: .pointwise)
        case .concat, .add:
            return .merge
        }
    }

    /// A convolution's rule; with `reflect`/`replicate` padding only when the padding is at most
    /// half the dilated kernel, so that every mirrored read lands inside the same window.
    static func convolutionRule(
        kernel: (y: Int, x: Int), stride: (y: Int, x: Int), padding: (y: Int, x: Int), dilation: (y: Int, x: Int),
        zeroPadded: Bool, borderName: String
    ) -> Node.Rule {
        let span = (y: dilation.y * (kernel.y - 1) + 1, x: dilation.x * (kernel.x - 1) + 1)
        if !zeroPadded && (2 * padding.y > span.y - 1 || 2 * padding.x > span.x - 1) {
            return .untileable("pads with \(borderName) by more than half its kernel (padding \(padding.y), \(padding.x); "
                + "kernel span \(span.y), \(span.x))")
        }
        return .layer(y: .window(span: span.y, stride: stride.y, padding: padding.y),
                      x: .window(span: span.x, stride: stride.x, padding: padding.x))
    }

    /// An upsampling's rule: nearest and half-pixel bilinear are local; `align_corners` is not.
    static func upsampleRule(scale: (y: Int, x: Int), mode: UpsampleMode, alignCorners: Bool) -> Node.Rule {
        switch mode {
        case .nearest:
            return .layer(y: .replicate(factor: scale.y), x: .replicate(factor: scale.x))
        case .bilinear where alignCorners:
            return .untileable("(bilinear upsampling with align_corners) places its samples by the frame's size")
        case .bilinear:
            return .layer(y: .interpolate(factor: scale.y), x: .interpolate(factor: scale.x))
        }
    }
}
