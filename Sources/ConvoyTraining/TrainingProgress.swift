import ConvoyPipeline
import Foundation

/// Writes a training run's progress to standard error in the chosen `ProgressMode`, at most once a
/// second (a terminal line four times a second), as `ProgressReporter` does for frames.
final class TrainingProgress {
    private let mode: ProgressMode
    private let start = DispatchTime.now()
    private var lastReport: Double = -1
    private let interval: Double
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    init(mode: ProgressMode) {
        self.mode = mode == .auto && isatty(STDERR_FILENO) == 0 ? .none : mode
        interval = self.mode == .auto ? 0.25 : 1.0
    }

    /// Seconds since the reporter was made.
    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    /// True when a report is due (callers then build the snapshot and `emit` it).
    var isDue: Bool { mode != .none && elapsed - lastReport >= interval }

    func emit(_ snapshot: TrainingSnapshot) {
        guard mode != .none else { return }
        lastReport = elapsed
        let text: String
        switch mode {
        case .json:
            text = String(decoding: (try? encoder.encode(snapshot)) ?? Data(), as: UTF8.self) + "\n"
        case .ffmpeg:
            var lines = ["step=\(snapshot.step)", "steps=\(snapshot.steps)", String(format: "epoch=%.3f", snapshot.epoch),
                         String(format: "loss=%.6g", snapshot.loss)]
            if let loss = snapshot.validationLoss { lines.append(String(format: "validation_loss=%.6g", loss)) }
            if let psnr = snapshot.validationPSNR { lines.append(String(format: "validation_psnr=%.2f", psnr)) }
            lines += [String(format: "lr=%.6g", snapshot.learningRate), String(format: "steps_per_second=%.2f", snapshot.stepsPerSecond),
                      "progress=\(snapshot.progress)"]
            text = lines.joined(separator: "\n") + "\n"
        case .auto:
            text = "\r" + Self.line(snapshot) + "\u{1B}[K" + (snapshot.progress == "end" ? "\n" : "")
        case .none:
            return
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `step=120/1000 loss=0.00123 val=0.00130 psnr=28.86 dB 45.2 steps/s eta=00:00:19`.
    static func line(_ snapshot: TrainingSnapshot) -> String {
        var line = "step=\(snapshot.step)/\(snapshot.steps) loss=\(String(format: "%.5g", snapshot.loss))"
        if let loss = snapshot.validationLoss { line += " val=\(String(format: "%.5g", loss))" }
        if let psnr = snapshot.validationPSNR { line += String(format: " psnr=%.2f dB", psnr) }
        line += String(format: " %.1f steps/s", snapshot.stepsPerSecond)
        if let eta = snapshot.eta { line += " eta=" + ProgressReporter.clock(eta, fraction: 0) }
        return line
    }
}
