import ConvoyNN
import ConvoyTensor

/// Activations that exporters spell out in several nodes, recognised in the nodes already
/// imported so that one layer runs them:
///
/// - `x * sigmoid(x)` (SiLU, Swish): `Sigmoid` then `Mul`.
/// - `x * hardsigmoid(x)` with `alpha` 1/6 and `beta` 0.5 (HardSwish, as PyTorch exports it
///   before operator set 14).
/// - `x * clip(x + 3, 0, 6) / 6` (HardSwish, as Keras, tf2onnx and hand-written modules spell
///   it): `Add` 3, `Clip` 0…6 (attributes or inputs), `Mul` by `x` and `Div` by 6 or `Mul` by
///   1/6, in either order (the division before or after the product) and with either operand
///   order.
///
/// The nodes a pattern replaced stay in `nodes` until the loader drops what no output reads;
/// `fusedParts` names them for `convoy model`.
extension ONNXImporter {
    /// The node of `tensor`, among those imported so far.
    func producer(of tensor: String) -> Graph.Node? {
        nodes.last { $0.name == tensor }
    }

    /// Whether `layer` computes `x * scale + shift` on every channel (a per-channel affine the
    /// importer made of a constant `Add`, `Sub`, `Mul` or `Div`, or a batch norm that amounts to it).
    static func isAffine(_ layer: Layer, scale: Float, shift: Float) -> Bool {
        guard let batchNorm = layer as? BatchNorm2d else { return false }
        func close(_ a: Double, _ b: Float) -> Bool { abs(a - Double(b)) <= 1e-6 * max(1, abs(Double(b))) }
        for channel in 0..<batchNorm.channels {
            let gain = Double(batchNorm.weight.pointer[channel]) / (Double(batchNorm.runningVar.pointer[channel]) + Double(batchNorm.eps)).squareRoot()
            let offset = Double(batchNorm.bias.pointer[channel]) - Double(batchNorm.runningMean.pointer[channel]) * gain
            guard close(gain, scale), close(offset, shift) else { return false }
        }
        return true
    }

    /// For `node` = `clip(x + 3, 0, 6)`: the node `x` and the nodes between.
    func clipOfXPlusThree(_ node: String) -> (x: String, parts: [String])? {
        guard let clip = producer(of: node), case .layer(let layer) = clip.operation, let limits = layer as? Clip,
              limits.minimum == 0, limits.maximum == 6,
              let add = producer(of: clip.inputs[0]), case .layer(let shift) = add.operation,
              Self.isAffine(shift, scale: 1, shift: 3) else { return nil }
        return (add.inputs[0], [clip.name, add.name])
    }

    /// For `node` = `hardsigmoid(x)` with alpha 1/6 and beta 0.5, as one `HardSigmoid` or as
    /// `clip(x + 3, 0, 6) / 6`: the node `x` and the nodes between.
    func hardSigmoidSource(_ node: String) -> (x: String, parts: [String])? {
        guard let made = producer(of: node), case .layer(let layer) = made.operation else { return nil }
        if let hard = layer as? HardSigmoid, abs(hard.alpha - Float(1) / 6) < 1e-6, hard.beta == 0.5 {
            return (made.inputs[0], [made.name])
        }
        guard Self.isAffine(layer, scale: Float(1) / 6, shift: 0), let inner = clipOfXPlusThree(made.inputs[0]) else { return nil }
        return (inner.x, [made.name] + inner.parts)
    }

    /// The one layer `a * b` amounts to (SiLU or HardSwish of `a` or of `b`), with the node it
    /// reads and the nodes it replaces; nil when the product is no such pattern.
    func fusedProduct(_ a: ONNXRuntimeTensor, _ b: ONNXRuntimeTensor) -> (layer: Layer, type: String, x: ONNXRuntimeTensor, parts: [String])? {
        for (x, gate) in [(a, b), (b, a)] {
            if let sigmoid = producer(of: gate.node), sigmoid.inputs == [x.node], case .layer(let layer) = sigmoid.operation, layer is Sigmoid {
                return (SiLU(), "Mul (x·sigmoid x)", x, [sigmoid.name])
            }
            if let hard = hardSigmoidSource(gate.node), hard.x == x.node {
                return (HardSwish(), "Mul (x·hardsigmoid x)", x, hard.parts)
            }
        }
        return nil
    }

    /// For `product` = `x * clip(x + 3, 0, 6)` (a `Mul` of two computed tensors that the scale
    /// by 1/6 after it makes a HardSwish): `x` and the nodes `HardSwish(x)` replaces.
    func hardSwishBeforeScale(_ product: ONNXRuntimeTensor) -> (x: ONNXRuntimeTensor, parts: [String])? {
        guard let mul = producer(of: product.node), case .merge(let merge) = mul.operation,
              let binary = merge as? BroadcastBinary, binary.operation == .mul, mul.inputs.count == 2 else { return nil }
        for (x, clipped) in [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])] {
            guard let inner = clipOfXPlusThree(clipped), inner.x == x else { continue }
            // The product of x and a same-shape function of x has x's shape.
            let source = ONNXRuntimeTensor(node: x, storage: product.storage, dims: product.dims, followsFrame: product.followsFrame)
            return (source, [mul.name] + inner.parts)
        }
        return nil
    }
}
