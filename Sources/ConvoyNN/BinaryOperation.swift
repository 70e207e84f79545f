/// The elementwise arithmetic of ONNX `Add`, `Sub`, `Mul` and `Div` on `Float`: IEEE 754
/// single precision, so a division by zero gives ±infinity or NaN, as onnxruntime does.
public enum BinaryOperation: String, CaseIterable, Sendable {
    /// `a + b` (ONNX `Add`).
    case add = "Add"
    /// `a - b` (ONNX `Sub`).
    case sub = "Sub"
    /// `a * b` (ONNX `Mul`).
    case mul = "Mul"
    /// `a / b` (ONNX `Div`).
    case div = "Div"

    /// `a ∘ b`.
    @inline(__always)
    public func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        }
    }
}
