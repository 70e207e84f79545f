import Foundation

/// What a training run did, for the closing line and `--summary json`.
public struct TrainSummary: Codable, Equatable, Sendable {
    /// The step the run started from (0, or the checkpoint's step when resumed).
    public var firstStep: Int
    /// Steps taken in all (including those before a resumed checkpoint).
    public var steps: Int
    /// Passes over the training pairs that the steps amount to.
    public var epochs: Double
    /// The mean training loss over the last steps (up to 100) before the end.
    public var loss: Double
    /// The last validation loss, when pairs were held out.
    public var validationLoss: Double?
    /// The PSNR (dB, 0 … 1 samples) of the last validation, when pairs were held out.
    public var validationPSNR: Double?
    /// Wall-clock seconds of this run.
    public var seconds: Double
    /// Steps of this run per second.
    public var stepsPerSecond: Double
    /// True when Ctrl-C or SIGTERM stopped the run early (the weights so far were still written).
    public var interrupted: Bool
    /// The weights file written.
    public var output: String

    enum CodingKeys: String, CodingKey {
        case firstStep = "first_step", steps, epochs, loss
        case validationLoss = "validation_loss", validationPSNR = "validation_psnr"
        case seconds, stepsPerSecond = "steps_per_second", interrupted, output
    }

    /// The summary as one line of JSON (snake_case keys, sorted).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
