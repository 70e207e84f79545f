import ConvoyNN
import ConvoyTensor
import XCTest

/// Finite-difference gradient checks against `DoubleReference`.
///
/// The loss is `L = Σ r · f(x)` for a fixed random `r` (so `∂L/∂output = r`). The numerical
/// gradient of every input and parameter entry is the central difference
/// `(L(v + h) − L(v − h)) / 2h` with `h = 1e-6`, evaluated in `Double` on `DoubleReference`
/// (truncation and rounding error far below 1e-6 for these sizes). The analytic gradient is the
/// layer's `Float` backward pass. Tolerance: every entry of a tensor's gradient within
/// `1e-3 · max(1, max |numerical entry of that tensor|)` of the numerical one.
enum GradientCheck {
    static let step = 1e-6
    static let tolerance = 1e-3

    /// Compares `numeric` and `analytic` under the tolerance above.
    static func assertGradient(_ analytic: [Double], _ numeric: [Double], _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic.count, numeric.count, label, file: file, line: line)
        let scale = max(1, numeric.map(abs).max() ?? 0)
        var worst = 0.0
        var worstIndex = 0
        for (index, (a, n)) in zip(analytic, numeric).enumerated() where !(abs(a - n) <= worst) {
            worst = abs(a - n).isNaN ? .infinity : abs(a - n)
            worstIndex = index
        }
        XCTAssertLessThanOrEqual(worst, tolerance * scale,
                                 "\(label): worst error \(worst) at \(worstIndex) (analytic \(analytic[worstIndex]), numerical \(numeric[worstIndex]))",
                                 file: file, line: line)
    }

    /// `Σ r · values`.
    static func weightedSum(_ values: [Double], _ r: [Double]) -> Double {
        zip(values, r).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Numerical gradient of `f` at `values`.
    static func numerical(_ values: [Double], _ f: ([Double]) -> Double) -> [Double] {
        var probe = values
        return values.indices.map { i in
            probe[i] = values[i] + step
            let up = f(probe)
            probe[i] = values[i] - step
            let down = f(probe)
            probe[i] = values[i]
            return (up - down) / (2 * step)
        }
    }

    /// Checks one layer or merge on `inputs`: its forward against the reference, then the
    /// gradients of every input and parameter. Gradients start non-zero to check they are added.
    static func check(_ operation: Graph.Operation, _ inputs: [Tensor], generator: inout SeededGenerator, _ label: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        let context = ExecutionContext()
        let parameterTensors: [Tensor]
        let output: Tensor
        switch operation {
        case .layer(let layer):
            parameterTensors = (layer as! DifferentiableLayer).parameters.map(\.value)
            output = Tensor(shape: layer.outputShape(for: inputs[0].shape))
            layer.forward(inputs[0], into: output, context: context)
        case .merge(let merge):
            parameterTensors = []
            output = Tensor(shape: try! merge.validatedOutputShape(for: inputs.map(\.shape)))
            merge.forward(inputs, into: output, context: context)
        }
        let parameters = parameterTensors.map { $0.array.map(Double.init) }
        let doubleInputs = inputs.map(DoubleReference.Array4.init)
        let reference = DoubleReference.forward(operation, doubleInputs, parameters: parameters)
        assertGradient(output.array.map(Double.init), reference.values, "\(label) forward vs Double reference", file: file, line: line)

        let r = generator.floats(output.count)
        let rDouble = r.map(Double.init)
        let inputStarts = inputs.map { generator.floats($0.count) }
        let inputGradients = zip(inputs, inputStarts).map { Tensor(shape: $0.0.shape, values: $0.1) }
        let parameterStarts = parameterTensors.map { generator.floats($0.count) }
        let parameterGradients = zip(parameterTensors, parameterStarts).map { Tensor(shape: $0.0.shape, values: $0.1) }
        let outputGradient = Tensor(shape: output.shape, values: r)
        switch operation {
        case .layer(let layer):
            (layer as! DifferentiableLayer).backward(input: inputs[0], output: output, outputGradient: outputGradient,
                                                     inputGradient: inputGradients[0], parameterGradients: parameterGradients,
                                                     context: context)
        case .merge(let merge):
            (merge as! DifferentiableMergeLayer).backward(inputs: inputs, output: output, outputGradient: outputGradient,
                                                          inputGradients: inputGradients, context: context)
        }
        func added(_ tensor: Tensor, _ start: [Float]) -> [Double] {
            zip(tensor.array, start).map { Double($0) - Double($1) }
        }
        for k in inputs.indices {
            let numeric = numerical(doubleInputs[k].values) { probe in
                var probed = doubleInputs
                probed[k].values = probe
                return weightedSum(DoubleReference.forward(operation, probed, parameters: parameters).values, rDouble)
            }
            assertGradient(added(inputGradients[k], inputStarts[k]), numeric, "\(label) input \(k) gradient", file: file, line: line)
        }
        for k in parameters.indices {
            let numeric = numerical(parameters[k]) { probe in
                var probed = parameters
                probed[k] = probe
                return weightedSum(DoubleReference.forward(operation, doubleInputs, parameters: probed).values, rDouble)
            }
            assertGradient(added(parameterGradients[k], parameterStarts[k]), numeric, "\(label) parameter \(k) gradient",
                           file: file, line: line)
        }
    }

    /// Runs a `TrainableGraph`'s nodes with `DoubleReference`, parameters by name.
    static func forward(_ graph: TrainableGraph, _ input: DoubleReference.Array4, parameters: [String: [Double]]) -> [DoubleReference.Array4] {
        var values: [String: DoubleReference.Array4] = [Graph.inputName: input]
        for node in graph.nodes {
            var own: [[Double]] = []
            if case .layer(let layer) = node.operation {
                own = (layer as! DifferentiableLayer).parameters.map { parameters[node.name + "." + $0.name]! }
            }
            values[node.name] = DoubleReference.forward(node.operation, node.inputs.map { values[$0]! }, parameters: own)
        }
        return graph.outputs.map { values[$0]! }
    }

    /// Checks every parameter gradient of `graph` for the loss `Σ_o r_o · output_o` over the
    /// outputs whose `use` flag is set (the others get a `nil` gradient).
    static func checkGraph(_ graph: TrainableGraph, input: Tensor, use: [Bool], generator: inout SeededGenerator,
                           file: StaticString = #filePath, line: UInt = #line) {
        let context = ExecutionContext()
        let outputs = graph.forward(input, context: context)
        let parameters = Dictionary(uniqueKeysWithValues: graph.parameters.map { ($0.name, $0.value.array.map(Double.init)) })
        let doubleInput = DoubleReference.Array4(input)
        let reference = forward(graph, doubleInput, parameters: parameters)
        for (index, output) in outputs.enumerated() {
            assertGradient(output.array.map(Double.init), reference[index].values, "graph output \(graph.outputs[index]) forward",
                           file: file, line: line)
        }
        let r = outputs.map { generator.floats($0.count) }
        graph.zeroGradients()
        graph.backward(outputGradients: zip(outputs, r).enumerated().map { index, pair in
            use[index] ? Tensor(shape: pair.0.shape, values: pair.1) : nil
        }, context: context)
        func loss(_ parameters: [String: [Double]]) -> Double {
            let values = forward(graph, doubleInput, parameters: parameters)
            return values.indices.filter { use[$0] }.reduce(0) { $0 + weightedSum(values[$1].values, r[$1].map(Double.init)) }
        }
        for parameter in graph.parameters {
            let numeric = numerical(parameters[parameter.name]!) { probe in
                var probed = parameters
                probed[parameter.name] = probe
                return loss(probed)
            }
            assertGradient(parameter.gradient.array.map(Double.init), numeric, "graph parameter \(parameter.name) gradient",
                           file: file, line: line)
        }
    }
}
