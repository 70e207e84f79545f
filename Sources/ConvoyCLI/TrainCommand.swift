import ArgumentParser
import ConvoyMedia
import ConvoyNN
import ConvoyPipeline
import ConvoyTraining
import Foundation

/// `convoy train`: learns a model's weights from pairs of (input, target) frames.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn the weights of a model file from pairs of input and target frames.",
        discussion: """
        The pairs are two videos matched frame by frame (each frame of the target must have the timestamp \
        of the same frame of the input), or two folders of images matched by file name without \
        extension. Input and target are read as convoy filter reads its input: files, URLs, image \
        sequence patterns, or - for standard input (a container, or raw frames with --raw or \
        --target-raw); one of them at most can be standard input, and its frames must then fit \
        --frame-cache, since it is read only once. A model that reads 3 channels sees RGB frames, one that reads 1 sees luma; the \
        target is read as RGB when the model's first output has 3 channels and as luma when it has 1. \
        Samples are 0 to 1 (8-bit level / 255), as convoy filter --model feeds the model.

        Each step takes a mini-batch of random square crops, runs the model forward and backward and \
        lets the optimizer update the weights. The same --seed gives the same initial weights, the same \
        batches and the same final weights. The weights are written as safetensors with PyTorch \
        state-dict names; by default where the model file looks for them, so convoy filter --model and \
        convoy features use them without further options.

        Examples:
          convoy train denoise.yaml --input noisy.mp4 --target clean.mp4 --steps 2000
          convoy train net.yaml --input in/ --target out/ -o net.safetensors --epochs 9
          convoy train net.yaml --input a.mp4 --target b.mp4 --validation 0.1 --crop 96
          ffmpeg -i noisy.mp4 -f rawvideo -pix_fmt rgb24 - | \\
            convoy train net.yaml --input - --raw 1280x720:rgb24@30 --target clean.mp4
          convoy train net.yaml --input a.mp4 --target b.mp4 --optimizer sgd \\
            --lr 0.05 --momentum 0.9 --schedule cosine
          convoy train net.yaml --input a.mp4 --target b.mp4 --checkpoint run.ckpt
          convoy train net.yaml --input a.mp4 --target b.mp4 --resume run.ckpt \\
            --checkpoint run.ckpt
          convoy filter clip.mp4 --model net.yaml --weights net.safetensors -o out.mp4
        """
    )

    @Argument(help: "The model file (YAML architecture) whose weights are learned.")
    var model: String

    @Option(help: "The input video (a file, a URL, an image sequence pattern, or - for standard input), or a folder of input images.")
    var input: String

    @Option(help: "Read the input as headerless raw frames: WIDTHxHEIGHT:PIXFMT@RATE, such as 1920x1080:rgb24@30.")
    var raw: String?

    @Option(help: "The target video matching the input frame by frame (a file, a URL, an image sequence pattern, or - for standard input), or a folder of target images named as the inputs.")
    var target: String

    @Option(help: "Read the target as headerless raw frames: WIDTHxHEIGHT:PIXFMT@RATE.")
    var targetRaw: String?

    @Option(name: .customLong("start-number"), help: "The first number of the input's and the target's image sequence patterns (img%03d.png), as ffmpeg's -start_number. By default it is found among 0 to 4.")
    var startNumber: Int?

    @Option(name: .shortAndLong, help: "Where the trained weights go (safetensors). By default the file the model file names in weights:, or the model file's name ending in .safetensors.")
    var output: String?

    @Flag(name: .customShort("y"), help: "Replace an existing output or checkpoint file.")
    var overwrite = false

    @Option(help: "Optimizer steps to take. The default is 1000 unless --epochs is given.")
    var steps: Int?

    @Option(help: "Passes over the training pairs to make, instead of --steps (fractions allowed).")
    var epochs: Double?

    @Option(help: "Examples per mini-batch.")
    var batch = 16

    @Option(help: "The side of the square windows cut at random places from the frames. 0 trains on whole frames.")
    var crop = 64

    @Option(help: "Seeds the initial weights, the order of the examples and their crops.")
    var seed: UInt64 = 1

    @Option(help: "The share of the pairs held out to measure the model on (the last ones: the end of the video), from 0 to below 1.")
    var validation = 0.0

    @Option(help: "Keep decoded frames in memory up to this many megabytes. Longer inputs are decoded again at every epoch and shuffled through a buffer of that size instead of being held whole (0 keeps only a few batches).")
    var frameCache = 512

    @Option(help: "Measure the held-out pairs every N steps, and after the last.")
    var validateEvery = 100

    @Option(help: "The loss: mse (mean squared error), l1 (mean absolute error) or cross-entropy (for an output of probabilities over channels).")
    var loss: LossChoice = .mse

    @Option(help: "The optimizer: adam or sgd.")
    var optimizer: TrainJob.OptimizerKind = .adam

    @Option(help: "The learning rate. The default is 0.001 for adam and 0.01 for sgd.")
    var lr: Float?

    @Option(help: "Momentum for sgd (0 for none).")
    var momentum: Float = 0

    @Option(help: "L2 weight decay, added to the gradient as PyTorch's optimizers add it.")
    var weightDecay: Float = 0

    @Option(help: "How the learning rate changes: constant, step (multiplied by --gamma every --step-size steps) or cosine (a half cosine down to --min-lr over the run).")
    var schedule: TrainJob.ScheduleKind = .constant

    @Option(help: "For --schedule step: the steps between reductions. The default is a third of the run.")
    var stepSize: Int?

    @Option(help: "For --schedule step: the factor each reduction applies.")
    var gamma: Float = 0.1

    @Option(help: "For --schedule cosine: the learning rate at the end of the run.")
    var minLr: Float = 0

    @Option(help: "Write a checkpoint (weights, optimizer state, step and generator state, as safetensors) to this file.")
    var checkpoint: String?

    @Option(help: "Write the checkpoint every N steps, and after the last. The default is 500.")
    var checkpointEvery: Int?

    @Option(help: "Continue from this checkpoint. The data, --seed, --batch, --crop and --optimizer must be those of the run that wrote it; the result is then the same as a run never stopped.")
    var resume: String?

    @Option(name: .customLong("init"), help: "Start from the weights in this safetensors file (some or all of the model's tensors) instead of PyTorch's Kaiming-uniform initialisation.")
    var initWeights: String?

    @Option(help: "Threads for the convolutions. By default every core.")
    var threads: Int?

    @Option(help: "Progress on standard error: auto (a status line on a terminal), json (one line a second), ffmpeg (key=value blocks) or none.")
    var progress: ProgressMode = .auto

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print FFmpeg's own warnings and errors on standard error.")
    var verbose = false

    @Option(help: "How the closing summary is printed on standard error: text (one line, silenced by --quiet) or json (one JSON object, printed even with --quiet).")
    var summary: SummaryFormat = .text

    func validate() throws {
        for (flag, format) in [("--raw", raw), ("--target-raw", targetRaw)] {
            if let format {
                do { _ = try RawVideoFormat(parsing: format) } catch { throw ValidationError("\(flag): \(error)") }
            }
        }
        if let startNumber, startNumber < 0 { throw ValidationError("The start number must not be negative.") }
        if steps != nil && epochs != nil { throw ValidationError("Give --steps or --epochs, not both.") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1.") }
        if let epochs, !(epochs > 0) { throw ValidationError("--epochs must be positive.") }
        if !(1...4096).contains(batch) { throw ValidationError("--batch must be between 1 and 4096.") }
        if crop < 0 { throw ValidationError("--crop must not be negative (0 trains on whole frames).") }
        if !(0..<1).contains(validation) { throw ValidationError("--validation must be at least 0 and below 1.") }
        if !(0...1_048_576).contains(frameCache) { throw ValidationError("--frame-cache must be between 0 and 1048576 megabytes.") }
        if validateEvery < 1 { throw ValidationError("--validate-every must be at least 1.") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive.") }
        if !(momentum >= 0 && momentum < 1) { throw ValidationError("--momentum must be at least 0 and below 1.") }
        if momentum != 0 && optimizer != .sgd { throw ValidationError("--momentum goes with --optimizer sgd (adam has its own moments).") }
        if !(weightDecay >= 0) { throw ValidationError("--weight-decay must not be negative.") }
        if let stepSize, stepSize < 1 { throw ValidationError("--step-size must be at least 1.") }
        if (stepSize != nil || gamma != 0.1) && schedule != .step { throw ValidationError("--step-size and --gamma go with --schedule step.") }
        if minLr != 0 && schedule != .cosine { throw ValidationError("--min-lr goes with --schedule cosine.") }
        if !(minLr >= 0) { throw ValidationError("--min-lr must not be negative.") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1.") }
        if checkpointEvery != nil && checkpoint == nil { throw ValidationError("--checkpoint-every needs --checkpoint FILE.") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("The thread count must be between 1 and 256.") }
    }

    func run() throws {
        try Failure.guarded {
            Log.quiet = quiet
            if verbose && !quiet { FFmpegLog.warnings() } else { FFmpegLog.panicOnly() }
            var inputFrames = FrameInput(input, raw: try raw.map { try RawVideoFormat(parsing: $0) })
            var targetFrames = FrameInput(target, raw: try targetRaw.map { try RawVideoFormat(parsing: $0) })
            inputFrames.startNumber = startNumber
            targetFrames.startNumber = startNumber
            let source = try TrainingSource(input: inputFrames, target: targetFrames)
            var job = TrainJob(model: model, source: source, output: try output ?? ModelFiles.defaultWeightsPath(model))
            job.overwrite = overwrite
            job.steps = steps ?? (epochs == nil ? 1000 : nil)
            job.epochs = epochs ?? 1
            job.data = TrainingDataOptions(crop: crop == 0 ? nil : crop, batch: batch, validationFraction: validation, seed: seed)
            job.data.threads = threads ?? 0
            job.data.memoryBudget = frameCache << 20
            job.validateEvery = validateEvery
            job.loss = loss.loss
            job.optimizer = optimizer
            job.learningRate = lr
            job.momentum = momentum
            job.weightDecay = weightDecay
            job.schedule = schedule
            job.stepSize = stepSize
            job.gamma = gamma
            job.minimumRate = minLr
            job.checkpoint = checkpoint
            job.checkpointEvery = checkpoint == nil ? nil : (checkpointEvery ?? 500)
            job.resume = resume
            job.initWeights = initWeights
            job.threads = threads
            job.progress = quiet ? .none : progress
            Interruption.install()
            let result = try TrainRunner(job: job).run()
            if summary == .json {
                FileHandle.standardError.write(Data((result.jsonLine + "\n").utf8))
            } else {
                var line = String(format: "%d steps (%.2f epochs) in %.2f s (%.1f steps/s); loss %.5g", result.steps, result.epochs,
                                  result.seconds, result.stepsPerSecond, result.loss)
                if let loss = result.validationLoss, let psnr = result.validationPSNR {
                    line += String(format: ", validation loss %.5g, PSNR %.2f dB", loss, psnr)
                }
                if result.interrupted { line += "; stopped early by Ctrl-C or SIGTERM" }
                Log.info(line + "; weights written to \(result.output).")
            }
            if let code = Interruption.exitCode { throw ExitCode(code) }
        }
    }
}

extension TrainJob.OptimizerKind: ExpressibleByArgument {}
extension TrainJob.ScheduleKind: ExpressibleByArgument {}
