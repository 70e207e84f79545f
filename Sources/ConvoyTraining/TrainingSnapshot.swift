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
