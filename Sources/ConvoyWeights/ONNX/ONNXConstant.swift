import ConvoyTensor

/// A tensor whose values are known at load: an initializer, a `Constant` node, or the result of
/// folding shape arithmetic. `dims` is its ONNX shape (empty for a scalar), row-major values.
struct ONNXConstant: Sendable {
    /// The values, in the kind the tensor's data type has.
    enum Values: Sendable {
        /// FLOAT, FLOAT16, BFLOAT16 and DOUBLE tensors (F64 narrowed to F32).
        case floats([Float])
        /// Integer and boolean tensors.
        case integers([Int64])
    }

    /// The ONNX shape, axis by axis.
    var dims: [Int]
    /// The elements, row-major; `dims.reduce(1, *)` of them.
    var values: Values

    init(dims: [Int], values: Values) {
        self.dims = dims
        self.values = values
    }

    init(dims: [Int], floats: [Float]) {
        self.init(dims: dims, values: .floats(floats))
    }

    init(dims: [Int], integers: [Int64]) {
        self.init(dims: dims, values: .integers(integers))
    }

    /// The number of elements.
    var count: Int { dims.reduce(1, *) }

    /// Whether the values are integers (shape arithmetic) rather than floating point.
    var isInteger: Bool {
        if case .integers = values { return true }
        return false
    }

    /// The values as Float32.
    var floats: [Float] {
        switch values {
        case .floats(let values): return values
        case .integers(let values): return values.map { Float($0) }
        }
    }

    /// The values as integers; floating-point values are truncated toward zero (NaN gives 0,
    /// values past Int64's range its ends), as a cast does.
    var integers: [Int64] {
        switch values {
        case .integers(let values): return values
        case .floats(let values):
            return values.map { value in
                guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? Int64.max : Int64.min) }
                return Int64(max(min(value, 9.2e18), -9.2e18))
            }
        }
    }

    /// The values as `Int`, for sizes, axes and indices.
    var ints: [Int] { integers.map { Int(clamping: $0) } }

    /// The tensor as a Convoy tensor of `shape` (the same element count).
    func tensor(_ shape: Shape) -> Tensor {
        precondition(shape.count == count, "constant of \(count) values viewed as \(shape)")
        return Tensor(shape: shape, values: floats)
    }

    /// The same values with another shape of as many elements.
    func reshaped(_ dims: [Int]) -> ONNXConstant {
        ONNXConstant(dims: dims, values: values)
    }

    /// Element `index` of a one-element-or-more constant, as a number.
    func float(at index: Int) -> Float { floats[index] }
}
