import ConvoyNN
import ConvoyPipeline

/// Everything `convoy train` was asked to do: which model learns from which pairs, how long, with
/// which loss, optimizer and schedule, and where weights and checkpoints go.
public struct TrainJob: Sendable {
    /// Which optimizer updates the weights.
    public enum OptimizerKind: String, CaseIterable, Sendable {
        /// Stochastic gradient descent with optional momentum and weight decay (`torch.optim.SGD`).
        case sgd
        /// Adam (`torch.optim.Adam`).
        case adam
    }

    /// How the learning rate changes over the run.
    public enum ScheduleKind: String, CaseIterable, Sendable {
        /// The same rate throughout.
        case constant
        /// Multiplied by `gamma` every `stepSize` steps (`StepLR`).
        case step
        /// A half cosine from the rate down to `minimumRate` over the run (`CosineAnnealingLR`).
        case cosine
    }

    /// The model file (YAML); its architecture is trained.
    public var model: String
    /// The (input, target) pairs.
    public var source: TrainingSource
    /// Where the trained weights go (safetensors); by default where the model file looks for them.
    public var output: String
    /// Replace an existing output.
    public var overwrite = false

    /// Optimizer steps to take; when nil, `epochs` decides.
    public var steps: Int?
    /// Passes over the training pairs (may be fractional); used when `steps` is nil.
    public var epochs: Double = 1
    /// Windows, batch size, validation share, seed.
    public var data = TrainingDataOptions()

    public var loss: Loss = .mse
    public var optimizer: OptimizerKind = .adam
    /// The base learning rate; nil takes the optimizer's usual default (Adam 1e-3, SGD 1e-2).
    public var learningRate: Float?
    /// SGD momentum (0 = none).
    public var momentum: Float = 0
    /// L2 weight decay, as both optimizers apply it in PyTorch.
    public var weightDecay: Float = 0
    public var schedule: ScheduleKind = .constant
    /// For the step schedule: steps between reductions (nil = a third of the run).
    public var stepSize: Int?
    /// For the step schedule: the factor each reduction applies.
    public var gamma: Float = 0.1
    /// For the cosine schedule: the rate at the end.
    public var minimumRate: Float = 0

    /// Measure the validation loss every this many steps (and after the last).
    public var validateEvery = 100
    /// Write a checkpoint every this many steps (and after the last), when `checkpoint` is set.
    public var checkpointEvery: Int?
    /// The checkpoint file (safetensors: weights, optimizer state, step, generator state).
    public var checkpoint: String?
    /// A checkpoint to continue from.
    public var resume: String?
    /// Starting weights (safetensors with some or all of the model's tensors) instead of the
    /// Kaiming-uniform initialisation.
    public var initWeights: String?

    /// Threads for the convolutions (nil = every core).
    public var threads: Int?
    public var progress: ProgressMode = .auto

    public init(model: String, source: TrainingSource, output: String) {
        self.model = model
        self.source = source
        self.output = output
    }

    /// The base learning rate this job uses.
    public var baseLearningRate: Float { learningRate ?? (optimizer == .adam ? 1e-3 : 1e-2) }
}
