#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the learning rate changes with the step count, as PyTorch's `StepLR` and
/// `CosineAnnealingLR` (closed forms, stepped once per optimizer step).
public enum LearningRateSchedule: Equatable, Sendable {
    /// The base rate throughout.
    case constant
    /// `base · gamma^⌊step / stepSize⌋` (`StepLR(step_size, gamma)`).
    case step(stepSize: Int, gamma: Float)
    /// `minimum + (base − minimum) · (1 + cos(π · min(step, totalSteps) / totalSteps)) / 2`
    /// (`CosineAnnealingLR(T_max = totalSteps, eta_min = minimum)`, held at `minimum` after).
    case cosine(totalSteps: Int, minimum: Float)

    /// The rate for step `step` (0 for the first step) from the base rate `base`.
    ///
    /// - Precondition: `step >= 0`; `stepSize` and `totalSteps` at least 1.
    public func rate(base: Float, step: Int) -> Float {
        precondition(step >= 0, "LearningRateSchedule: step must be non-negative, got \(step)")
        switch self {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            precondition(stepSize >= 1, "LearningRateSchedule.step needs stepSize >= 1")
            return Float(Double(base) * pow(Double(gamma), Double(step / stepSize)))
        case .cosine(let totalSteps, let minimum):
            precondition(totalSteps >= 1, "LearningRateSchedule.cosine needs totalSteps >= 1")
            let progress = Double(min(step, totalSteps)) / Double(totalSteps)
            return Float(Double(minimum) + (Double(base) - Double(minimum)) * (1 + cos(Double.pi * progress)) / 2)
        }
    }
}
