import ConvoyPipeline
import Foundation

/// One progress report of a training run, as written in `--progress json` lines.
public struct TrainingSnapshot: Codable, Equatable, Sendable {
    /// Steps done (counting those before a resumed checkpoint).
    public var step: Int
    /// Steps the run will take.
    public var steps: Int
    /// Passes over the training pairs so far.
    public var epoch: Double
    /// Mean training loss over the last 100 steps (fewer at the start).
    public var loss: Double
    /// The latest validation loss, when pairs are held out and one was measured.
    public var validationLoss: Double?
    /// The latest validation PSNR in dB (samples 0 … 1).
    public var validationPSNR: Double?
    /// The learning rate of the last step.
    public var learningRate: Double
    /// Steps per second in this run.
    public var stepsPerSecond: Double
    /// Seconds since this run started.
    public var elapsed: Double
    /// Estimated seconds left.
    public var eta: Double?
    /// `continue`, or `end` for the last report.
    public var progress: String

    enum CodingKeys: String, CodingKey {
        case step, steps, epoch, loss, elapsed, eta, progress
        case validationLoss = "validation_loss", validationPSNR = "validation_psnr"
        case learningRate = "lr", stepsPerSecond = "steps_per_second"
    }
}

extension TrainingSnapshot: ProgressReport {
    public var isLast: Bool { progress == "end" }

    /// `step=`, `steps=`, `epoch=`, `loss=`, the validation's when measured, `lr=`,
    /// `steps_per_second=`, `progress=`.
    public var keyValueLines: [String] {
        var lines = ["step=\(step)", "steps=\(steps)", String(format: "epoch=%.3f", epoch), String(format: "loss=%.6g", loss)]
        if let validationLoss { lines.append(String(format: "validation_loss=%.6g", validationLoss)) }
        if let validationPSNR { lines.append(String(format: "validation_psnr=%.2f", validationPSNR)) }
        lines += [String(format: "lr=%.6g", learningRate), String(format: "steps_per_second=%.2f", stepsPerSecond), "progress=\(progress)"]
        return lines
    }

    /// `step=120/1000 loss=0.00123 val=0.00130 psnr=28.86 dB 45.2 steps/s eta=00:00:19`.
    public var statusLine: String {
        var line = "step=\(step)/\(steps) loss=\(String(format: "%.5g", loss))"
        if let validationLoss { line += " val=\(String(format: "%.5g", validationLoss))" }
        if let validationPSNR { line += String(format: " psnr=%.2f dB", validationPSNR) }
        line += String(format: " %.1f steps/s", stepsPerSecond)
        if let eta { line += " eta=" + ProgressReporter.clock(eta, fraction: 0) }
        return line
    }
}
