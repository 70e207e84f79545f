import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import Foundation

/// Runs a `TrainJob`: loads the model for training (`TrainableModel`), surveys the pairs
/// (`TrainingData`), restores a checkpoint when asked, then runs the steps (`TrainingLoop`: a
/// mini-batch, forward, the loss, backward, the optimizer at the scheduled learning rate; the
/// held-out pairs every `validateEvery` steps), writes checkpoints, and at the end (or at Ctrl-C)
/// writes the weights.
///
/// Everything the result depends on follows from the job and its seed: the initial weights
/// (`TrainableModel` draws them from the seed), the order and windows of the examples
/// (`TrainingData`), and the arithmetic, which runs in the same order every time. A run resumed
/// from a checkpoint therefore ends with the same weights as one that was never stopped.
public final class TrainRunner {
    public let job: TrainJob

    public init(job: TrainJob) {
        self.job = job
    }

    /// Trains and writes the weights.
    ///
    /// - Throws: `ConvoyError` (one line, sysexits code) for bad files, options or data, before
    ///   any step when it can be known then.
    public func run() throws -> TrainSummary {
        try checkOutputs()
        let model = try loadModel()
        let data = try openData(for: model)
        Log.info("\(job.source.inputName) → \(job.source.targetName): \(data.description).")
        let totalSteps = job.steps ?? max(1, Int((job.epochs * Double(data.trainingCount) / Double(job.data.batch)).rounded(.up)))
        let optimizer: Optimizer = job.optimizer == .adam
            ? Adam(learningRate: job.baseLearningRate, weightDecay: job.weightDecay)
            : SGD(learningRate: job.baseLearningRate, momentum: job.momentum, weightDecay: job.weightDecay)
        let settings = self.settings(data)
        var firstStep = 0
        if let resume = job.resume {
            firstStep = try restore(from: resume, model: model, optimizer: optimizer, data: data, settings: settings, totalSteps: totalSteps)
            Log.info("Resuming \(resume) at step \(firstStep) of \(totalSteps).")
        }
        let loop = TrainingLoop(job: job, model: model, data: data, optimizer: optimizer, schedule: schedule(totalSteps: totalSteps),
                                totalSteps: totalSteps, firstStep: firstStep)
        try loop.run { step, generatorState in
            try TrainingCheckpoint.write(path: job.checkpoint!, parameters: model.stateDict, optimizerState: optimizer.state,
                                         step: step, generatorState: generatorState, settings: settings)
        }
        var metadata = settings
        metadata["steps"] = String(loop.step)
        metadata["loss"] = job.loss.rawValue
        metadata["model"] = (job.model as NSString).lastPathComponent
        do {
            try model.saveWeights(to: job.output, metadata: metadata)
        } catch let error as SafeTensorsError {
            throw ConvoyError(error.description, exitCode: ConvoyError.cannotCreate)
        }
        return loop.summary()
    }

    // MARK: Pieces

    /// Refuses an existing output without `-y` (the resumed checkpoint may be rewritten), an
    /// output over an input, and a folder that does not exist, before any work.
    private func checkOutputs() throws {
        var targets = [job.output]
        if let checkpoint = job.checkpoint, checkpoint != job.resume { targets.append(checkpoint) }
        for target in targets {
            for input in [job.source.inputName, job.source.targetName, job.model] {
                try OutputGuard.check(output: target, input: input, overwrite: true)
            }
            try OutputGuard.check(output: target, input: "-", overwrite: job.overwrite)
            let folder = (target as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw ConvoyError("\(target): the folder \(folder) does not exist.", exitCode: ConvoyError.cannotCreate)
            }
        }
        if job.output == job.checkpoint {
            throw ConvoyError("\(job.output): the weights and the checkpoint need different files.", exitCode: ConvoyError.usage)
        }
    }

    private func loadModel() throws -> TrainableModel {
        do {
            return try TrainableModel.load(modelPath: job.model, initPath: job.initWeights, seed: job.data.seed)
        } catch let error as ModelError {
            throw ConvoyError(error.description, exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        } catch let error as SafeTensorsError {
            throw ConvoyError(error.description, exitCode: error.problem == .noSuchFile ? ConvoyError.noInput : ConvoyError.dataError)
        }
    }

    /// Surveys the job's pairs for `model` (`TrainingData`), and refuses a loss the model's output
    /// cannot take.
    private func openData(for model: TrainableModel) throws -> TrainingData {
        let data: TrainingData
        do {
            data = try TrainingData(source: job.source, inputChannels: model.inputChannels,
                                    outputShape: { try model.outputShapes(batch: $0.n, height: $0.h, width: $0.w)[0] },
                                    options: job.data)
        } catch let error where Interruption.receivedSignal != nil {
            // Ctrl-C while the pairs were surveyed stops the decoders, so what they read is short.
            throw ConvoyError("stopped before the first step (\(error)); nothing was written.", exitCode: Interruption.exitCode!)
        }
        if let code = Interruption.exitCode {
            throw ConvoyError("stopped before the first step; nothing was written.", exitCode: code)
        }
        if job.loss == .crossEntropy && data.targetShape.c < 2 {
            throw ConvoyError("\(job.model): cross-entropy compares probabilities over channels, and the model's first output has one; use --loss mse or l1, or give the model a softmax over 3 channels.",
                              exitCode: ConvoyError.usage)
        }
        return data
    }

    /// The job's learning-rate schedule over a run of `totalSteps`.
    private func schedule(totalSteps: Int) -> LearningRateSchedule {
        switch job.schedule {
        case .constant: return .constant
        case .step: return .step(stepSize: job.stepSize ?? max(1, totalSteps / 3), gamma: job.gamma)
        case .cosine: return .cosine(totalSteps: totalSteps, minimum: job.minimumRate)
        }
    }

    /// The settings a checkpoint records and a resumed run must share.
    private func settings(_ data: TrainingData) -> [String: String] {
        ["seed": String(job.data.seed), "batch": String(job.data.batch), "crop": job.data.crop.map(String.init) ?? "none",
         "pairs": String(data.pairCount), "training_pairs": String(data.trainingCount),
         "shuffle_buffer": data.isInMemory ? "all" : String(data.shuffleBufferSize), "optimizer": job.optimizer.rawValue]
    }

    /// Puts the checkpoint's weights and optimizer state in place and moves the data to its step;
    /// returns the step.
    private func restore(from path: String, model: TrainableModel, optimizer: Optimizer, data: TrainingData,
                         settings: [String: String], totalSteps: Int) throws -> Int {
        let checkpoint = try TrainingCheckpoint.read(path: path)
        for key in TrainingCheckpoint.dataSettings where checkpoint.settings[key] != settings[key] {
            let name = key == "shuffle_buffer" ? "a shuffle buffer of (--frame-cache)" : key.replacingOccurrences(of: "_", with: " ")
            throw ConvoyError("\(path): the checkpoint was made with \(name) \(checkpoint.settings[key] ?? "unknown"), this run has \(name) \(settings[key]!); resume with the same data and options.",
                              exitCode: ConvoyError.dataError)
        }
        guard checkpoint.step <= totalSteps else {
            throw ConvoyError("\(path): the checkpoint is at step \(checkpoint.step), past this run's \(totalSteps) steps; ask for more with --steps or --epochs.",
                              exitCode: ConvoyError.usage)
        }
        let names = Set(model.parameters.map(\.name))
        if let extra = checkpoint.parameters.keys.sorted().first(where: { !names.contains($0) }) {
            throw ConvoyError("\(path): the checkpoint holds \(extra), which \(job.model) does not have; it was made for another model.",
                              exitCode: ConvoyError.dataError)
        }
        for parameter in model.parameters {
            guard let saved = checkpoint.parameters[parameter.name] else {
                throw ConvoyError("\(path): the checkpoint lacks \(parameter.name) of \(job.model); it was made for another model.",
                                  exitCode: ConvoyError.dataError)
            }
            guard saved.shape == parameter.value.shape else {
                throw ConvoyError("\(path): \(parameter.name) is \(saved.shape) in the checkpoint but \(parameter.value.shape) in \(job.model); it was made for another model.",
                                  exitCode: ConvoyError.dataError)
            }
            parameter.value.pointer.update(from: saved.pointer, count: saved.count)
        }
        do {
            try optimizer.restore(checkpoint.optimizerState, for: model.parameters)
        } catch let error as OptimizerStateError {
            throw ConvoyError("\(path): \(error.description).", exitCode: ConvoyError.dataError)
        }
        guard optimizer.stepCount == checkpoint.step else {
            throw ConvoyError("\(path): the optimizer state is at step \(optimizer.stepCount) but the checkpoint at \(checkpoint.step).",
                              exitCode: ConvoyError.dataError)
        }
        try data.seek(toExample: checkpoint.step * job.data.batch)
        guard data.generatorState == checkpoint.generatorState else {
            throw ConvoyError("\(path): replaying the data to step \(checkpoint.step) does not reach the checkpoint's state; the input or target differ from the checkpoint's.",
                              exitCode: ConvoyError.dataError)
        }
        return checkpoint.step
    }
}
