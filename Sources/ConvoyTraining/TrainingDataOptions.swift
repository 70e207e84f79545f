/// How `TrainingData` cuts, batches, shuffles and holds the frames.
public struct TrainingDataOptions: Equatable, Sendable {
    /// The side of the square windows cut from frames at random places, or nil for whole frames.
    public var crop: Int?
    /// Examples per mini-batch.
    public var batch = 16
    /// The fraction of pairs held out for validation: the last ones in reading order.
    public var validationFraction = 0.0
    /// Seeds the order, the crops and the validation windows.
    public var seed: UInt64 = 1
    /// Decoded frames are kept in memory up to this many bytes; beyond it every epoch decodes
    /// the inputs again through a shuffle buffer (see `TrainingData`).
    public var memoryBudget = 512 << 20
    /// Decoder threads (0 lets FFmpeg choose).
    public var threads = 0
    /// At most this many validation windows are measured.
    public var validationWindowLimit = 256

    public init(crop: Int? = nil, batch: Int = 16, validationFraction: Double = 0, seed: UInt64 = 1) {
        self.crop = crop
        self.batch = batch
        self.validationFraction = validationFraction
        self.seed = seed
    }
}
