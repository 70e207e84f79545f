#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `Resize2d` in `nearest` mode rounds a mapped input position to a sample index, ONNX
/// `Resize`'s `nearest_mode` (opset 11 on). The index is then clamped to the input.
public enum ResizeNearestMode: String, CaseIterable, Sendable {
    /// To the nearest integer, halves down (ONNX's default).
    case roundPreferFloor = "round_prefer_floor"
    /// To the nearest integer, halves up.
    case roundPreferCeil = "round_prefer_ceil"
    /// Down (ONNX `Upsample` and `Resize` before opset 11 with `asymmetric` coordinates; PyTorch's
    /// `nearest`).
    case floor
    /// Up.
    case ceil

    /// The index `position` rounds to, before clamping.
    public func index(_ position: Float) -> Int {
        let below = position.rounded(.down)
        switch self {
        case .roundPreferFloor:
            return Int(position - below <= 0.5 ? below : below + 1)
        case .roundPreferCeil:
            return Int(position - below < 0.5 ? below : below + 1)
        case .floor:
            return Int(below)
        case .ceil:
            return Int(position.rounded(.up))
        }
    }
}
