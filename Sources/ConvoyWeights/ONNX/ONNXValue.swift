/// What an ONNX value name stands for during import.
enum ONNXValue {
    /// Known at load (an initializer, a `Constant`, folded shape arithmetic).
    case constant(ONNXConstant)
    /// Computed by the graph at run time.
    case runtime(ONNXRuntimeTensor)
}
