import ConvoyNN
import ConvoyTensor
import Foundation

/// A model loaded by `ModelLoader` (YAML + safetensors) or `ONNXLoader` (an `.onnx` file): the
/// runnable graph and what callers need to feed it and read it.
///
/// Feed `graph` (or `forward`) Convoy frame tensors `[batch, inputChannels, height, width]` with
/// samples in 0 … 1 (8-bit pixel / 255); the graph's first node normalises them as the model file
/// says. `forward` returns one tensor per name in `outputs`, `[batch, C, H', W']` each.
///
/// The graph keeps buffers between calls, so one `LoadedModel` must not run on two threads at
/// once (load one per thread).
public final class LoadedModel {
    /// The name of the graph's first node, the `Normalize` that turns 0 … 1 frame samples into the
    /// model input (reserved: no layer may take it). A model whose input is the 0 … 1 frame itself
    /// has no such node.
    public static let normalizationNodeName = "input.normalize"

    /// One layer of the model file as loaded, for summaries.
    public struct LayerInfo: Equatable, Sendable {
        /// The layer's name in the model file (for ONNX, its graph node's name).
        public let name: String
        /// The layer's type: the YAML `type:`, or the ONNX operator.
        public let type: String
        /// What it reads (`input` for the model input).
        public let inputs: [String]
        /// Learnable parameters, counted as PyTorch's `model.parameters()` does: weights and
        /// biases; batch-norm running statistics (buffers) are not parameters.
        public let parameterCount: Int
        /// For a convolution folded into the batch norm after it, that batch norm's name.
        public let foldedInto: String?
        /// For a batch norm that absorbed the convolution before it, that convolution's name.
        public let foldedFrom: String?
        /// Multiply-adds per output pixel (`Cout · Cin/groups · kh · kw` for a convolution, 0 for
        /// layers whose FLOPs are not counted).
        public let multiplyAddsPerPixel: Int

        public init(name: String, type: String, inputs: [String], parameterCount: Int, foldedInto: String? = nil,
                    foldedFrom: String? = nil, multiplyAddsPerPixel: Int = 0) {
            self.name = name
            self.type = type
            self.inputs = inputs
            self.parameterCount = parameterCount
            self.foldedInto = foldedInto
            self.foldedFrom = foldedFrom
            self.multiplyAddsPerPixel = multiplyAddsPerPixel
        }
    }

    /// The model file, as the caller named it.
    public let name: String
    /// The weights file, as the caller named it (for ONNX, the file itself).
    public let weightsName: String
    /// The architecture as read from a YAML model file; nil for ONNX.
    public let spec: ModelSpec?
    /// How pixels are normalised: `(pixel / scale - mean) / std` for 8-bit pixels (the YAML
    /// `input:` section, or `--scale/--mean/--std` for ONNX).
    public let normalization: ModelInputSpec
    /// What `convoy model` says the model came from, after its name (`weights x.safetensors`,
    /// `ONNX, operator set 13`).
    public let origin: String
    /// What the import folded away or fused, one line each, for `convoy model`.
    public let notes: [String]
    /// A fixed input size the model declares (ONNX `[N, C, 224, 224]`): frames are scaled to it.
    /// Nil when any size runs.
    public let fixedInputSize: SpatialPair?
    /// Each output's rank as the model defines it (ONNX: `[N, K]` is 2, run as `[N, K, 1, 1]`);
    /// nil means 4 for all.
    public let outputRanks: [Int]?
    /// The runnable network: `Graph.inputName` is the 0 … 1 frame tensor, then
    /// `normalizationNodeName` (unless it would be the identity), then the layers (batch norms,
    /// activations and 2×2 max pools folded into convolutions where possible).
    public let graph: Graph
    /// The layers as loaded, in file order.
    public let layers: [LayerInfo]
    /// What the convolutions compute in: the model file's `precision:` (FP32 when it has none),
    /// or what `--precision` sets. Resolve it for the CPU (`NetworkPrecision.resolved(on:)`)
    /// before giving it to an `ExecutionContext`.
    public var precision: NetworkPrecision = .fp32

    /// Layers of the file that have no graph node of their own because a later one absorbed them
    /// (a convolution fused with the ReLU after it), mapped to the node that computes them; they
    /// have that node's shape.
    let absorbedInto: [String: String]

    /// Builds the model again for another frame size, for graphs whose folded shapes read it.
    let rebuild: (@Sendable (Int, Int) throws -> LoadedModel)?

    init(name: String, weightsName: String, spec: ModelSpec?, normalization: ModelInputSpec, graph: Graph, layers: [LayerInfo],
         absorbedInto: [String: String] = [:], origin: String? = nil, notes: [String] = [], fixedInputSize: SpatialPair? = nil,
         outputRanks: [Int]? = nil, rebuild: (@Sendable (Int, Int) throws -> LoadedModel)? = nil) {
        self.name = name
        self.weightsName = weightsName
        self.spec = spec
        self.normalization = normalization
        self.graph = graph
        self.layers = layers
        self.absorbedInto = absorbedInto
        self.origin = origin ?? "weights \(weightsName)"
        self.notes = notes
        self.fixedInputSize = fixedInputSize
        self.outputRanks = outputRanks
        self.rebuild = rebuild
    }

    /// Channels of the frames the model reads: 3 for RGB, 1 for luma.
    public var inputChannels: Int { normalization.channels }

    /// Whether the graph was built for one frame size (an ONNX file whose folded shape arithmetic
    /// reads the frame's size); then `resolved(height:width:)` builds it for others.
    public var dependsOnFrameSize: Bool { rebuild != nil }

    /// The model for frames of `height` × `width`: itself, unless the graph depends on the
    /// frame size, when it is imported again for that size.
    ///
    /// - Throws: `ModelError` naming the model file when the size does not fit.
    public func resolved(height: Int, width: Int) throws -> LoadedModel {
        try rebuild?(height, width) ?? self
    }

    /// Each output's shape for one frame as the model defines it (`[C, H, W]`, or `[K]` for a
    /// `[N, K]` output), in `outputs` order, from the run-time shapes `[N, C, H, W]`.
    public func itemShapes(_ shapes: [Shape]) -> [[Int]] {
        shapes.enumerated().map { index, shape in
            let rank = outputRanks?[index] ?? 4
            return Array(shape.dims.dropFirst().prefix(max(rank - 1, 1)))
        }
    }

    /// The names of the tensors `forward` returns, in order.
    public var outputs: [String] { graph.outputs }

    /// Learnable parameters of the whole model (see `LayerInfo.parameterCount`).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Runs the model on `input` (`[batch, inputChannels, height, width]`, samples 0 … 1) and
    /// returns the outputs in `outputs` order. The tensors view the graph's buffers and are
    /// overwritten by the next call.
    ///
    /// - Precondition: the input fits the model; check once with `outputShapes(batch:height:width:)`.
    public func forward(_ input: Tensor, context: ExecutionContext) -> [Tensor] {
        graph.forward(input, context: context)
    }

    /// The output shapes for frames of `height` × `width`, `[batch, C, H', W']` in `outputs` order.
    ///
    /// - Throws: `ModelError` naming the model file when the size does not fit (too small for a
    ///   kernel, inputs of a merge that differ in size, …).
    public func outputShapes(batch: Int = 1, height: Int, width: Int) throws -> [Shape] {
        let shapes = try nodeShapes(batch: batch, height: height, width: width)
        return outputs.map { shapes[$0]! }
    }

    /// Floating-point operations per frame of `height` × `width`: 2 per multiply-add
    /// (`2 · Cout · Cin/groups · kh · kw · Hout · Wout` for each convolution, with batch norms
    /// folded in); convolutions only — bias additions, activations, pooling and merges are not
    /// counted.
    ///
    /// - Throws: as `outputShapes(batch:height:width:)`.
    public func flops(inputHeight: Int, inputWidth: Int) throws -> Int {
        let shapes = try nodeShapes(batch: 1, height: inputHeight, width: inputWidth)
        return layers.reduce(0) { $0 + layerFlops($1, shapes) }
    }

    /// A table for `convoy model`: one line per layer of the model file (name, type, what it
    /// reads, output shape `[C, H, W]` for one frame of `inputHeight` × `inputWidth`, learnable
    /// parameters, FLOPs), then the outputs, the total parameters and the FLOPs per frame (see
    /// `flops(inputHeight:inputWidth:)` for the convention).
    ///
    /// - Throws: `ModelError` naming the model file when the size does not fit the model.
    public func summary(inputHeight: Int, inputWidth: Int) throws -> String {
        let shapes = try nodeShapes(batch: 1, height: inputHeight, width: inputWidth)
        func chw(_ shape: Shape) -> String { "[\(shape.c), \(shape.h), \(shape.w)]" }

        var rows: [[String]] = [["layer", "type", "input", "output [C, H, W]", "parameters", "FLOPs"]]
        for layer in layers {
            // A folded convolution's output is the batch norm's (same shape).
            let shape = shapes[layer.foldedInto ?? layer.name]!
            var type = layer.type
            if let batchNorm = layer.foldedInto {
                type += " (+\(batchNorm))"
            } else if layer.foldedFrom != nil {
                type += " (folded)"
            } else if spec == nil, let target = absorbedInto[layer.name] {
                type += " (fused into \(target))"
            }
            rows.append([layer.name, type, layer.inputs.joined(separator: ", "), chw(shape),
                         Self.grouped(layer.parameterCount), Self.scaled(layerFlops(layer, shapes))])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        let rightAligned: Set<Int> = [4, 5]
        let table = rows.map { row in
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return rightAligned.contains(column) ? pad + text : text + pad
            }.joined(separator: "  ")
        }

        let input = normalization
        func number(_ value: Float) -> String {
            value == value.rounded() && abs(value) < 1e9 ? "\(Int(value))" : "\(value)"
        }
        func values(_ list: [Float]) -> String {
            list.count == 1 ? number(list[0]) : "[" + list.map(number).joined(separator: ", ") + "]"
        }
        let totalFlops = layers.reduce(0) { $0 + layerFlops($1, shapes) }
        var lines = [
            "Model \(name) (\(origin))",
            "Input [\(input.channels), \(inputHeight), \(inputWidth)]: pixel / \(number(input.scale)), mean \(values(input.mean)), std \(values(input.std))",
            "",
        ]
        lines += table
        lines += [
            "",
            "Outputs: " + outputs.map { "\($0) \(chw(shapes[$0]!))" }.joined(separator: ", "),
            "Parameters: \(Self.grouped(parameterCount)) (learnable, as PyTorch counts them)",
            "FLOPs per frame: \(Self.scaled(totalFlops)) (\(Self.grouped(totalFlops)); 2 per multiply-add, convolutions only)",
        ]
        if !notes.isEmpty {
            lines += [""] + notes
        }
        return lines.joined(separator: "\n")
    }

    private func nodeShapes(batch: Int, height: Int, width: Int) throws -> [String: Shape] {
        guard batch >= 1, height >= 1, width >= 1 else {
            throw ModelError(path: name, problem: .invalidGraph("the input size \(batch)×\(height)×\(width) must be at least 1 in every direction"))
        }
        do {
            let input = Shape(batch, inputChannels, height, width)
            var shapes = try graph.shapes(for: input)
            shapes[Graph.inputName] = input  // what a first layer reads when there is no normalisation node
            for (absorbed, target) in absorbedInto {
                shapes[absorbed] = shapes[target]
                // A convolution, or its ReLU, fused with the pool after them: the size before the pool.
                if let node = graph.nodes.first(where: { $0.name == target }), case .layer(let layer) = node.operation,
                   let convolution = layer as? Conv2d, convolution.fusedMaxPool, let input = shapes[node.inputs[0]] {
                    shapes[absorbed] = convolution.geometry(for: input).outputShape
                }
            }
            return shapes
        } catch {
            throw ModelError(path: name, problem: .invalidGraph("for \(width)×\(height) input: \(error)"))
        }
    }

    private func layerFlops(_ layer: LayerInfo, _ shapes: [String: Shape]) -> Int {
        guard layer.multiplyAddsPerPixel > 0, let output = shapes[layer.foldedInto ?? layer.name] else {
            return 0
        }
        let perPixel = 2 * layer.multiplyAddsPerPixel
        let (total, overflow) = perPixel.multipliedReportingOverflow(by: output.h * output.w)
        return overflow ? Int.max : total
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 {
                result += ","
            }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `1234567` as `1.23 M` (k, M, G, T), or the number itself below 1000.
    static func scaled(_ value: Int) -> String {
        let units = ["k", "M", "G", "T", "P"]
        var amount = Double(value)
        var unit = -1
        while amount >= 1000 && unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        return unit < 0 ? "\(value)" : String(format: "%.2f", amount) + " " + units[unit]
    }
}
