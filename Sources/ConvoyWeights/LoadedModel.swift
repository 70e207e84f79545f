import ConvoyNN
import ConvoyTensor
import Foundation

/// A model loaded by `ModelLoader`: the runnable graph and what callers need to feed it and read
/// it.
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
        /// The layer's name in the model file.
        public let name: String
        /// The layer's type.
        public let type: ModelLayerType
        /// What it reads (`input` for the model input).
        public let inputs: [String]
        /// Learnable parameters, counted as PyTorch's `model.parameters()` does: weights and
        /// biases; batch-norm running statistics (buffers) are not parameters.
        public let parameterCount: Int
        /// For a convolution folded into the batch norm after it, that batch norm's name.
        public let foldedInto: String?
        /// For a batch norm that absorbed the convolution before it, that convolution's name.
        public let foldedFrom: String?
    }

    /// The model file, as the caller named it.
    public let name: String
    /// The weights file, as the caller named it.
    public let weightsName: String
    /// The architecture as read from the model file.
    public let spec: ModelSpec
    /// The runnable network: `Graph.inputName` is the 0 … 1 frame tensor, then
    /// `normalizationNodeName` (unless it would be the identity), then the layers (batch norms,
    /// activations and 2×2 max pools folded into convolutions where possible).
    public let graph: Graph
    /// The layers as loaded, in file order.
    public let layers: [LayerInfo]

    /// Layers of the file that have no graph node of their own because a later one absorbed them
    /// (a convolution fused with the ReLU after it), mapped to the node that computes them; they
    /// have that node's shape.
    let absorbedInto: [String: String]

    init(name: String, weightsName: String, spec: ModelSpec, graph: Graph, layers: [LayerInfo],
         absorbedInto: [String: String] = [:]) {
        self.name = name
        self.weightsName = weightsName
        self.spec = spec
        self.graph = graph
        self.layers = layers
        self.absorbedInto = absorbedInto
    }

    /// Channels of the frames the model reads: 3 for RGB, 1 for luma.
    public var inputChannels: Int { spec.input.channels }

    /// How pixels are normalised, as the model file says: `(pixel / scale - mean) / std` for
    /// 8-bit pixels.
    public var normalization: ModelInputSpec { spec.input }

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
            var type = layer.type.rawValue
            if let batchNorm = layer.foldedInto {
                type += " (+\(batchNorm))"
            } else if layer.foldedFrom != nil {
                type += " (folded)"
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

        let input = spec.input
        func number(_ value: Float) -> String {
            value == value.rounded() && abs(value) < 1e9 ? "\(Int(value))" : "\(value)"
        }
        func values(_ list: [Float]) -> String {
            list.count == 1 ? number(list[0]) : "[" + list.map(number).joined(separator: ", ") + "]"
        }
        let totalFlops = layers.reduce(0) { $0 + layerFlops($1, shapes) }
        var lines = [
            "Model \(name) (weights \(weightsName))",
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
        guard let index = spec.layers.firstIndex(where: { $0.name == layer.name }),
              case .conv2d(let inChannels, let outChannels, let kernel, _, _, _, let groups, _, _) = spec.layers[index].operation else {
            return 0
        }
        let output = shapes[layer.foldedInto ?? layer.name]!
        let perPixel = 2 * outChannels * (inChannels / groups) * kernel.y * kernel.x
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
