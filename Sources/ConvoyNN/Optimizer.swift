import ConvoyTensor

/// Updates parameters from their gradients, with PyTorch's semantics (`torch.optim`).
///
/// An optimizer keeps per-parameter state (momentum, moment estimates) keyed by parameter name,
/// created at the first `step`. `state` exposes it as named tensors (for a checkpoint, e.g. a
/// safetensors file) and `restore(_:)` puts it back, so a resumed run continues exactly.
public protocol Optimizer: AnyObject {
    /// The step size the next `step` uses; a schedule sets it before each step.
    var learningRate: Float { get set }

    /// Steps taken so far.
    var stepCount: Int { get }

    /// Updates each parameter's `value` in place from its `gradient` (gradients are not cleared).
    func step(_ parameters: [TrainableGraph.Parameter])

    /// The state as named tensors: `step` (`[1]`, the step count) and, per parameter, tensors
    /// named `<parameter name>.<buffer>` shaped as the parameter (see each optimizer).
    var state: [(name: String, tensor: Tensor)] { get }

    /// Replaces the state with `tensors` as `state` names them (extra names are an error).
    ///
    /// - Throws: `OptimizerStateError` when `step` is missing, a name is not this optimizer's,
    ///   or a buffer does not match the shape of the same parameter's earlier buffer.
    func restore(_ tensors: [String: Tensor]) throws
}

extension Optimizer {
    /// `restore(_:)`, checking first that every per-parameter tensor belongs to one of
    /// `parameters` (`<parameter name>.<buffer>`) and has that parameter's shape, so a
    /// checkpoint of another model is an error here rather than a crash at the next `step`.
    ///
    /// - Throws: `OptimizerStateError` naming the first tensor that does not fit, or as
    ///   `restore(_:)`.
    public func restore(_ tensors: [String: Tensor], for parameters: [TrainableGraph.Parameter]) throws {
        let shapes = Dictionary(parameters.map { ($0.name, $0.value.shape) }, uniquingKeysWith: { first, _ in first })
        for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) where name != "step" {
            guard let dot = name.lastIndex(of: "."), let shape = shapes[String(name[..<dot])] else {
                throw OptimizerStateError("'\(name)' does not belong to any parameter of the model")
            }
            guard tensor.shape == shape else {
                throw OptimizerStateError("'\(name)' is \(tensor.shape), the parameter is \(shape)")
            }
        }
        try restore(tensors)
    }
}

/// A checkpoint's optimizer state does not fit the optimizer.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, in one line.
    public let reason: String

    /// Creates the error.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// `optimizer state: <reason>`.
    public var description: String { "optimizer state: \(reason)" }
}

/// The per-parameter buffers of an optimizer, by `<parameter name>.<buffer name>`.
struct OptimizerBuffers {
    let bufferNames: [String]
    var tensors: [String: Tensor] = [:]
    var order: [String] = []

    /// The buffer of `parameter`, created zero-filled on first use.
    mutating func buffer(_ bufferName: String, for parameter: TrainableGraph.Parameter) -> Tensor {
        let key = parameter.name + "." + bufferName
        if let existing = tensors[key] {
            precondition(existing.shape == parameter.value.shape,
                         "Optimizer buffer \(key) is \(existing.shape), the parameter \(parameter.value.shape)")
            return existing
        }
        let tensor = Tensor(shape: parameter.value.shape)
        tensors[key] = tensor
        order.append(key)
        return tensor
    }

    func state(stepCount: Int) -> [(name: String, tensor: Tensor)] {
        [(name: "step", tensor: Tensor(shape: Shape(1), values: [Float(stepCount)]))]
            + order.map { (name: $0, tensor: tensors[$0]!) }
    }

    /// Replaces the buffers; returns the step count.
    mutating func restore(_ state: [String: Tensor]) throws -> Int {
        guard let step = state["step"], step.count == 1, step.pointer[0] >= 0, step.pointer[0] == step.pointer[0].rounded() else {
            throw OptimizerStateError("no 'step' count (a one-element tensor holding a whole number)")
        }
        var restored: [String: Tensor] = [:]
        var order: [String] = []
        for name in state.keys.sorted() where name != "step" {
            guard bufferNames.contains(where: { name.hasSuffix("." + $0) }) else {
                throw OptimizerStateError("'\(name)' is not a buffer of this optimizer (expected names ending in "
                                          + bufferNames.map { ".\($0)" }.joined(separator: " or ") + ")")
            }
            if let existing = tensors[name], existing.shape != state[name]!.shape {
                throw OptimizerStateError("'\(name)' is \(state[name]!.shape), the parameter is \(existing.shape)")
            }
            let copy = Tensor(shape: state[name]!.shape, values: state[name]!.array)
            restored[name] = copy
            order.append(name)
        }
        tensors = restored
        self.order = order
        return Int(step.pointer[0])
    }
}
