import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import Foundation

/// The steps of one training run, from `firstStep` up to `totalSteps` or until Ctrl-C. Each step
/// packs a mini-batch, runs forward, the loss and backward, and lets the optimizer update the
/// weights at the schedule's rate; every `validateEvery` steps the held-out pairs are measured,
/// and checkpoints are asked for as the job says. Progress reports and the summary are read off
/// the loop's state.
final class TrainingLoop {
    let job: TrainJob
    let model: TrainableModel
    let data: TrainingData
    let optimizer: Optimizer
    let schedule: LearningRateSchedule
    let totalSteps: Int
    /// The step the run starts from (a resumed checkpoint's, else 0).
    let firstStep: Int
    /// Steps taken, counting those before a resumed checkpoint.
    private(set) var step: Int
    /// The data's generator after the last whole step's batch: an interrupted batch may have
    /// drawn further, and a checkpoint must hold the state that matches its step.
    private(set) var generatorState: UInt64
    /// The last 100 losses: reports show their mean.
    private var recent: [Double] = []
    private var validation: (loss: Double, psnr: Double)?
    private var learningRate: Float
    private let progress: ProgressReporter
    private let context: ExecutionContext
    private let gradient: Tensor

    init(job: TrainJob, model: TrainableModel, data: TrainingData, optimizer: Optimizer, schedule: LearningRateSchedule,
         totalSteps: Int, firstStep: Int) {
        self.job = job
        self.model = model
        self.data = data
        self.optimizer = optimizer
        self.schedule = schedule
        self.totalSteps = totalSteps
        self.firstStep = firstStep
        step = firstStep
        generatorState = data.generatorState
        learningRate = job.baseLearningRate
        progress = ProgressReporter(mode: job.progress)
        context = ComputeThread.makeContext(threads: job.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        gradient = Tensor(shape: data.targetShape)
    }

    /// Steps to the end or until Ctrl-C. `checkpoint(step, generatorState)` is called every
    /// `checkpointEvery` steps, after the last, and at Ctrl-C, when the job writes checkpoints.
    ///
    /// - Throws: `ConvoyError` when the loss stops being finite; what `checkpoint` throws.
    func run(checkpoint: (_ step: Int, _ generatorState: UInt64) throws -> Void) throws {
        while step < totalSteps {
            if Interruption.receivedSignal != nil { break }
            let examples: TrainingBatch
            do {
                examples = try data.nextBatch()
            } catch where Interruption.receivedSignal != nil {
                break   // Ctrl-C stopped a streamed epoch's decoders mid-batch
            }
            generatorState = data.generatorState
            try takeStep(examples)
            if data.validationCount > 0 && (step % job.validateEvery == 0 || step == totalSteps) {
                validation = measure()
                Log.info(snapshot(end: false).statusLine)
            }
            if job.checkpoint != nil, let every = job.checkpointEvery, step % every == 0 || step == totalSteps {
                try checkpoint(step, generatorState)
            }
            if progress.isDue { progress.emit(snapshot(end: false)) }
        }
        if Interruption.receivedSignal != nil, job.checkpoint != nil, step > firstStep {
            try checkpoint(step, generatorState)
        }
        progress.emit(snapshot(end: true))
    }

    /// What the run did, as the summary says it (call after `run`).
    func summary() -> TrainSummary {
        let seconds = progress.elapsed
        return TrainSummary(firstStep: firstStep, steps: step, epochs: epochs, loss: meanLoss,
                            validationLoss: validation?.loss, validationPSNR: validation?.psnr, seconds: seconds,
                            stepsPerSecond: seconds > 0 ? Double(step - firstStep) / seconds : 0,
                            interrupted: Interruption.receivedSignal != nil, output: job.output)
    }

    /// One optimizer step on `examples`.
    private func takeStep(_ examples: TrainingBatch) throws {
        learningRate = schedule.rate(base: job.baseLearningRate, step: step)
        optimizer.learningRate = learningRate
        let prediction = model.graph.forward(examples.input, context: context)[0]
        let loss = job.loss.evaluate(prediction: prediction, target: examples.target, gradient: gradient)
        guard loss.isFinite else {
            throw ConvoyError("the training loss became \(loss) at step \(step + 1); lower the learning rate (--lr) or check the model.",
                              exitCode: ConvoyError.dataError)
        }
        model.graph.zeroGradients()
        model.graph.backward(outputGradients: [gradient] + Array(repeating: nil, count: model.outputs.count - 1), context: context)
        optimizer.step(model.parameters)
        step += 1
        recent.append(loss)
        if recent.count > 100 { recent.removeFirst(recent.count - 100) }
    }

    /// Mean loss and PSNR over the validation windows.
    private func measure() -> (loss: Double, psnr: Double) {
        var loss = 0.0, squared = 0.0, count = 0
        data.forEachValidationBatch { batch in
            let prediction = model.graph.forward(batch.input, context: context)[0]
            loss += job.loss.evaluate(prediction: prediction, target: batch.target) * Double(prediction.count)
            squared += Loss.mse.evaluate(prediction: prediction, target: batch.target) * Double(prediction.count)
            count += prediction.count
        }
        let mse = squared / Double(max(1, count))
        return (loss / Double(max(1, count)), mse > 0 ? 10 * log10(1 / mse) : .infinity)
    }

    /// The mean of the recent losses (NaN before the first step).
    private var meanLoss: Double { recent.isEmpty ? .nan : recent.reduce(0, +) / Double(recent.count) }

    /// Passes over the training pairs so far.
    private var epochs: Double { Double(step * job.data.batch) / Double(data.trainingCount) }

    private func snapshot(end: Bool) -> TrainingSnapshot {
        let elapsed = progress.elapsed
        let rate = elapsed > 0 ? Double(step - firstStep) / elapsed : 0
        return TrainingSnapshot(step: step, steps: totalSteps, epoch: epochs, loss: meanLoss,
                                validationLoss: validation?.loss, validationPSNR: validation?.psnr,
                                learningRate: Double(learningRate), stepsPerSecond: (rate * 100).rounded() / 100,
                                elapsed: (elapsed * 1000).rounded() / 1000,
                                eta: end ? 0 : (rate > 0 ? ((Double(totalSteps - step) / rate) * 10).rounded() / 10 : nil),
                                progress: end ? "end" : "continue")
    }
}
