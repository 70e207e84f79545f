import ConvoyMedia
import ConvoyPipeline
import ConvoyTensor
import Foundation

/// The examples a training run learns from: (input, target) frame pairs cut into random windows,
/// shuffled with a seeded generator and packed into mini-batches `[N, C, H, W]` (samples 0 … 1, as
/// `FrameBatcher` packs frames for `ModelProcessor`: RGB for a 3-channel model, luma for 1).
///
/// **Reading.** Opening the data decodes every pair once (the survey): it checks sizes, the pairing
/// of frames and the model's output shape against the target before any training, and counts the
/// pairs. The last `validationFraction` of the pairs, in reading order (the end of the video), are
/// held out: neighbouring video frames are nearly alike, so a held-out stretch measures the
/// model on pictures it has not seen rather than on the neighbours of training frames.
///
/// **Memory.** Decoded pairs stay in memory as 8-bit planes while they fit `memoryBudget` (a clip
/// of a few hundred small frames does); then each epoch is a uniformly random permutation of the
/// training pairs. A longer source is never held whole: each epoch decodes it again from the start
/// and shuffles through a `ShuffleBuffer` of as many pairs as fit three quarters of the budget,
/// while validation keeps up to a quarter (evenly spaced held-out pairs when all do not fit).
/// Re-decoding costs one decode per epoch, which for the small models trained here is less than
/// the training arithmetic; seeking to random frames instead would decode from the previous
/// keyframe for every example. Standard input can be read only once, so pairs from it must fit
/// the budget: the survey stops with an error saying so as soon as they do not.
///
/// **Order.** Epoch e draws from its own generator `SampleGenerator(seed:, stream: 2 + e)`: the
/// pair order, then each example's window position (uniform over the frame). Each epoch hands out
/// every training pair once; mini-batches take the examples in that order and run on across epoch
/// boundaries, so every batch is full. The whole sequence follows from the seed, so a run can be
/// resumed at any example by replaying the current epoch's draws (`seek(toExample:)`).
///
/// **Geometry.** A model whose output for a W×H window is the window's size times a whole factor k
/// (k = target size / input size, 1 for filters) learns the target's matching window; an output
/// smaller by a border (an unpadded convolution) learns the centre of it.
public final class TrainingData {
    public let source: TrainingSource
    public let options: TrainingDataOptions
    /// Frame pairs in the source.
    public let pairCount: Int
    /// Pairs learned from (the first ones).
    public let trainingCount: Int
    /// Pairs held out for validation (the last ones).
    public let validationCount: Int
    /// The planes the model reads: RGB (3 channels) or luma (1).
    public let inputSpace: FilterSpace
    /// The planes the target is read as: RGB when the model outputs 3 channels, luma for 1.
    public let targetSpace: FilterSpace
    /// The model input of one batch, `[batch, C_in, window height, window width]`.
    public let inputShape: Shape
    /// The target of one batch, `[batch, C_out, H_out, W_out]` (the model's output shape).
    public let targetShape: Shape
    /// True when every pair is held in memory; false when each epoch decodes the source again.
    public let isInMemory: Bool
    /// Target size / input size.
    public let scale: Int

    /// Examples handed out so far (batches × batch size).
    public private(set) var examplesDrawn = 0
    /// The generator's state after the last example; checkpoints store it.
    public var generatorState: UInt64 { generator.state }

    private var epoch = -1
    private var position = 0
    private var generator = SampleGenerator(state: 0)
    private var buffer: ShuffleBuffer<FramePair>
    private let trainingPairs: [FramePair]?
    private var epochReader: FramePairReader?
    private var cursor = 0
    private let validationPairs: [FramePair]
    private let validationWindows: [(pair: Int, origin: CropOrigin)]
    /// Where the target window starts inside the k-scaled input window (a border for unpadded models).
    private let margin: CropOrigin
    private let inputBatcher: FrameBatcher
    private let targetBatcher: FrameBatcher

    /// Surveys `source` for a model reading `inputChannels` channels whose output shape for an input
    /// shape is `outputShape(input)`.
    ///
    /// - Throws: `ConvoyError` (one line, naming the file) when a file is missing or unreadable,
    ///   input and target differ in size or do not pair, the model's output does not match the
    ///   target, or there are too few pairs.
    public init(source: TrainingSource, inputChannels: Int, outputShape: (Shape) throws -> Shape,
                options: TrainingDataOptions) throws {
        precondition(options.batch > 0 && (options.crop ?? 1) > 0, "batch and crop must be positive")
        precondition((0..<1).contains(options.validationFraction), "the validation fraction is in 0 ..< 1")
        self.source = source
        self.options = options
        guard inputChannels == 3 || inputChannels == 1 else {
            throw ConvoyError("the model takes \(inputChannels) input channels; training reads frames as 3 (RGB) or 1 (luma).",
                              exitCode: ConvoyError.dataError)
        }
        inputSpace = inputChannels == 3 ? .rgb : .luma

        // The window the model sees, and what it makes of it. The survey's reader opens the input
        // first (standard input is read once: this reader is the only one), and its target once
        // the model's output says which planes it is read as.
        let reader = try source.makeReader(inputSpace: inputSpace, threads: options.threads)
        let first = try reader.firstInputSize()
        let window = options.crop.map { (width: $0, height: $0) } ?? first
        let windowText = "\(window.width)×\(window.height)"
        let output: Shape, larger: Shape
        do {
            output = try outputShape(Shape(1, inputChannels, window.height, window.width))
            larger = try outputShape(Shape(1, inputChannels, window.height + 8, window.width + 8))
        } catch let error as ConvoyError {
            throw error
        } catch {
            throw ConvoyError("the model cannot run on \(windowText) \(options.crop == nil ? "frames" : "crops") (\(error)).", exitCode: ConvoyError.dataError)
        }
        guard output.c == 3 || output.c == 1 else {
            throw ConvoyError("the model's first output has \(output.c) channels; a training target is a picture, 3 channels (RGB) or 1 (luma).",
                              exitCode: ConvoyError.dataError)
        }
        targetSpace = output.c == 3 ? .rgb : .luma
        inputShape = Shape(options.batch, inputChannels, window.height, window.width)
        targetShape = Shape(options.batch, output.c, output.h, output.w)
        try reader.openTarget(space: targetSpace)

        // The survey: every pair once.
        var scale: Int?
        var margin = CropOrigin(x: 0, y: 0)
        var cache: [FramePair]? = []
        var bytes = 0
        var largestPair = 0
        var count = 0
        while let pair = try reader.next() {
            let k = try Self.checkSizes(pair, window: window, wholeFrames: options.crop == nil, firstSize: first)
            if scale == nil {
                scale = k
                let (extraY, extraX) = (k * window.height - output.h, k * window.width - output.w)
                // The output must grow as the target does (k pixels per input pixel), losing at
                // most a fixed border: a model that shrinks or enlarges otherwise does not fit.
                let grows = larger.h - output.h == 8 * k && larger.w - output.w == 8 * k
                guard grows, extraY >= 0, extraX >= 0, extraY % 2 == 0, extraX % 2 == 0 else {
                    throw ConvoyError("the model's output for a \(windowText) input is \(output.w)×\(output.h), which does not fit the target (\(k * window.width)×\(k * window.height) for that window): the model's output shape differs from the target's.",
                                      exitCode: ConvoyError.dataError)
                }
                margin = CropOrigin(x: extraX / 2, y: extraY / 2)
            } else if k != scale {
                throw ConvoyError("\(pair.targetName) is \(k) times its input's size but the first target was \(scale!) times; every target must scale its input alike.",
                                  exitCode: ConvoyError.dataError)
            }
            bytes += pair.byteCount
            largestPair = max(largestPair, pair.byteCount)
            if cache != nil {
                if bytes <= options.memoryBudget { cache!.append(pair) } else { cache = nil }
            }
            if cache == nil && !source.canBeReadAgain {
                throw ConvoyError(String(format: "standard input can be read only once, so its frame pairs must fit --frame-cache (%.2f MB), and the first %d take %.2f MB; give a larger --frame-cache or read the frames from a file.",
                                         Double(options.memoryBudget) / 1_048_576, count + 1, Double(bytes) / 1_048_576),
                                  exitCode: ConvoyError.usage)
            }
            count += 1
        }
        guard count > 0 else {
            throw ConvoyError("\(source.inputName): no frames to learn from.", exitCode: ConvoyError.dataError)
        }
        var held = options.validationFraction > 0 ? max(1, Int((options.validationFraction * Double(count)).rounded())) : 0
        if held >= count {
            guard options.validationFraction > 0, count >= 2 else {
                throw ConvoyError("\(source.inputName) has only \(count) frame\(count == 1 ? "" : "s"): nothing is left to learn from after holding out a validation share; lower --validation or give more frames.",
                                  exitCode: ConvoyError.dataError)
            }
            held = count - 1
        }
        pairCount = count
        validationCount = held
        trainingCount = count - held
        self.scale = scale!
        self.margin = margin

        // Validation pairs: all of them when they fit a quarter of the budget, else evenly spaced.
        if let cache {
            isInMemory = true
            trainingPairs = Array(cache[..<trainingCount])
            validationPairs = Array(cache[trainingCount...])
        } else {
            isInMemory = false
            trainingPairs = nil
            let fits = max(1, options.memoryBudget / 4 / max(1, largestPair))
            let kept = min(held, fits)
            let firstHeld = count - held
            let wanted = Set((0..<kept).map { firstHeld + $0 * held / kept })
            var pairs: [FramePair] = []
            if !wanted.isEmpty {
                let again = try source.makeReader(inputSpace: inputSpace, targetSpace: targetSpace, threads: options.threads)
                while pairs.count < wanted.count, let pair = try again.next() {
                    if wanted.contains(pair.index) { pairs.append(pair) }
                }
            }
            validationPairs = pairs
        }
        let bufferPairs = isInMemory ? trainingCount : max(2 * options.batch, options.memoryBudget * 3 / 4 / max(1, largestPair))
        buffer = ShuffleBuffer(capacity: max(1, min(trainingCount, bufferPairs)))

        // Fixed validation windows: round robin over the held-out frames, at random places.
        var windows: [(pair: Int, origin: CropOrigin)] = []
        if !validationPairs.isEmpty {
            var windowGenerator = SampleGenerator(seed: options.seed, stream: 1)
            let total = min(options.validationWindowLimit, options.crop == nil ? validationPairs.count : 4 * validationPairs.count)
            for index in 0..<total {
                let pair = options.crop == nil ? index * validationPairs.count / total : index % validationPairs.count
                windows.append((pair, Self.randomOrigin(in: validationPairs[pair].input, window: window, using: &windowGenerator)))
            }
        }
        validationWindows = windows

        let inputGroup = PlaneGroup.groups(for: inputSpace, planes: Self.layout(space: inputSpace, size: window))[0]
        inputBatcher = FrameBatcher(group: PlaneGroup(planes: inputGroup.planes, width: window.width, height: window.height),
                                    capacity: options.batch)
        let targetPlanes = targetSpace == .rgb ? [0, 1, 2] : [0]
        targetBatcher = FrameBatcher(group: PlaneGroup(planes: targetPlanes, width: output.w, height: output.h), capacity: options.batch)
    }

    /// One line for the log: how many pairs, how many held out, and how they are held.
    public var description: String {
        let held = validationCount > 0 ? ", \(validationCount) held out for validation (\(validationWindows.count) windows)" : ""
        let memory = isInMemory ? "all in memory" : "streamed each epoch through a shuffle buffer of \(buffer.capacity) pairs"
        return "\(pairCount) frame pairs: \(trainingCount) to learn from\(held); \(memory)"
    }

    /// The pairs the shuffle buffer holds (all the training pairs when they are in memory): the
    /// order of the examples depends on it.
    public var shuffleBufferSize: Int { buffer.capacity }

    /// Training examples per epoch (each training pair once).
    public var examplesPerEpoch: Int { trainingCount }

    /// The next mini-batch of training examples. The tensors are reused by the next call.
    public func nextBatch() throws -> TrainingBatch {
        var examples: [(FramePair, CropOrigin)] = []
        for _ in 0..<options.batch { examples.append(try nextExample()) }
        return pack(examples)
    }

    /// Moves a fresh data set to the state it has after `count` examples, replaying the draws of
    /// the current epoch (in-memory data replays without decoding; streamed data decodes up to the
    /// position in its epoch).
    public func seek(toExample count: Int) throws {
        precondition(examplesDrawn == 0 && count >= 0, "seek once, before drawing")
        let target = count
        // Whole epochs before the current one are skipped without drawing (each starts from its
        // own generator); the current epoch, or the last whole one at a boundary, is replayed so
        // the generator reaches the state it had.
        let skippedEpochs = max(0, (target - 1) / trainingCount)
        if skippedEpochs > 0 {
            epoch = skippedEpochs - 1
            position = trainingCount
            examplesDrawn = skippedEpochs * trainingCount
        }
        while examplesDrawn < target { _ = try nextExample() }
    }

    /// Validation windows, in fixed batches (the last may be smaller): the same examples every time.
    public var validationWindowCount: Int { validationWindows.count }

    /// Calls `body` with each validation batch in turn (tensors reused between calls).
    public func forEachValidationBatch(_ body: (TrainingBatch) throws -> Void) rethrows {
        var start = 0
        while start < validationWindows.count {
            let slice = validationWindows[start..<min(start + options.batch, validationWindows.count)]
            let batch = pack(slice.map { (validationPairs[$0.pair], $0.origin) })
            try body(batch)
            start += slice.count
        }
    }

    // MARK: Drawing examples

    private func nextExample() throws -> (FramePair, CropOrigin) {
        if epoch < 0 || position == trainingCount { try startEpoch(epoch + 1) }
        guard let pair = try buffer.next(from: { try self.epochPair() }, using: &generator) else {
            // Only a streamed source can run short: the files changed since the survey, or
            // Ctrl-C stopped the decoders.
            throw ConvoyError("\(source.inputName): the input ended after \(position) of its \(trainingCount) training pairs in epoch \(epoch + 1); it changed since it was first read, or reading was stopped.",
                              exitCode: ConvoyError.ioError)
        }
        position += 1
        examplesDrawn += 1
        let window = (width: inputShape.w, height: inputShape.h)
        return (pair, Self.randomOrigin(in: pair.input, window: window, using: &generator))
    }

    private func startEpoch(_ next: Int) throws {
        epoch = next
        position = 0
        generator = SampleGenerator(seed: options.seed, stream: 2 + UInt64(next))
        buffer.reset()
        cursor = 0
        epochReader = nil
        if !isInMemory {
            epochReader = try source.makeReader(inputSpace: inputSpace, targetSpace: targetSpace, threads: options.threads)
        }
    }

    /// The epoch's next training pair in reading order, or nil after the last.
    private func epochPair() throws -> FramePair? {
        if let trainingPairs {
            guard cursor < trainingPairs.count else { return nil }
            cursor += 1
            return trainingPairs[cursor - 1]
        }
        guard let reader = epochReader, let pair = try reader.next(), pair.index < trainingCount else {
            epochReader = nil   // stops the decoders
            return nil
        }
        return pair
    }

    /// Packs each example's input window and the matching target window (copies of the windows,
    /// so `FrameBatcher` packs them as whole frames).
    private func pack(_ examples: [(FramePair, CropOrigin)]) -> TrainingBatch {
        let wholeFrames = options.crop == nil && margin == CropOrigin(x: 0, y: 0)
        let inputs = examples.map { pair, origin in
            wholeFrames ? pair.input : pair.input.window(at: origin, width: inputShape.w, height: inputShape.h)
        }
        let targets = examples.map { pair, origin in
            wholeFrames ? pair.target : pair.target.window(at: targetOrigin(for: origin), width: targetShape.w, height: targetShape.h)
        }
        return TrainingBatch(input: inputBatcher.pack(inputs), target: targetBatcher.pack(targets))
    }

    private func targetOrigin(for origin: CropOrigin) -> CropOrigin {
        CropOrigin(x: origin.x * scale + margin.x, y: origin.y * scale + margin.y)
    }

    private static func randomOrigin(in image: PlanarImage, window: (width: Int, height: Int),
                                     using generator: inout SampleGenerator) -> CropOrigin {
        let x = generator.below(image.width - window.width + 1)
        let y = generator.below(image.height - window.height + 1)
        return CropOrigin(x: x, y: y)
    }

    /// The plane layout of a working image of `space` (the target's planes come first in either).
    private static func layout(space: FilterSpace, size: (width: Int, height: Int)) -> [PlanarImage.Plane] {
        PlanarImage(width: size.width, height: size.height, pixelFormat: space == .rgb ? WorkingFormat.rgb : WorkingFormat.yuv(for: .init(rawValue: 0))).planes
    }

    /// Checks one pair's sizes and returns target size / input size.
    private static func checkSizes(_ pair: FramePair, window: (width: Int, height: Int), wholeFrames: Bool,
                                   firstSize: (width: Int, height: Int)) throws -> Int {
        let (w, h) = (pair.input.width, pair.input.height)
        let (tw, th) = (pair.target.width, pair.target.height)
        let k = tw / max(1, w)
        guard k >= 1, tw == k * w, th == k * h else {
            throw ConvoyError("\(pair.targetName) is \(tw)×\(th) but \(pair.inputName) is \(w)×\(h); a target must have its input's size (or a whole multiple of it, for a model that enlarges).",
                              exitCode: ConvoyError.dataError)
        }
        if wholeFrames {
            guard w == firstSize.width, h == firstSize.height else {
                throw ConvoyError("\(pair.inputName) is \(w)×\(h) but the first input is \(firstSize.width)×\(firstSize.height); without --crop every frame must have the same size.",
                                  exitCode: ConvoyError.dataError)
            }
        } else if window.width > w || window.height > h {
            throw ConvoyError("\(pair.inputName) is \(w)×\(h), smaller than the \(window.width)×\(window.height) crop; choose a smaller --crop.",
                              exitCode: ConvoyError.usage)
        }
        return k
    }
}
