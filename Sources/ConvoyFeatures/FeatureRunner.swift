import ConvoyMedia
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import ConvoyWeights
import Foundation

/// Runs a `FeatureJob`: decoder stage → bounded queue → batcher → network (one im2col + SGEMM per
/// conv layer per batch) → feature files, written frame by frame so memory stays flat.
public final class FeatureRunner {
    public let job: FeatureJob

    public init(job: FeatureJob) {
        self.job = job
    }

    public func run() throws -> RunSummary {
        if let task = job.segmentTask, job.source.segment == nil { return try runPart(task) }
        let space = try inputSpace()
        let source = try job.source.open(space: space, threads: job.threads ?? 0, autorotate: job.autorotate, strict: job.strict)
        source.scale(for: job.model.flatMap { model in model.fixedInputSize.map { (model.name, $0.x, $0.y) } }, input: job.input)
        let group = PlaneGroup.groups(for: space, planes: source.makeImage().planes)[0]
        let frameShape = Shape(1, job.inputChannels, group.height, group.width)
        let model: LoadedModel?
        do { model = try job.model?.resolved(height: group.height, width: group.width) } catch {
            throw ConvoyError("\(error)", exitCode: ConvoyError.dataError)
        }
        let graph = model?.graph ?? job.graph
        let precision = try ComputeThread.precision(of: job.model)
        let shapes: [Shape]
        do { shapes = try graph.outputShapes(for: frameShape) } catch {
            throw ConvoyError("\(job.input): the model cannot run on \(group.width)×\(group.height) frames (\(error)).",
                              exitCode: ConvoyError.dataError)
        }
        let itemShapes = model?.itemShapes(shapes) ?? shapes.map { Array($0.dims.dropFirst()) }
        let outputs = zip(graph.outputs, zip(shapes, itemShapes)).map { name, pair in
            (name: name, itemShape: job.pool == nil ? pair.1 : [pair.0.c])
        }
        try checkTargets(outputs: outputs.map(\.name), pictures: source.sourcePaths)
        try TiledForward(graph: graph, field: ReceptiveField(graph: graph))
            .checkMemory(channels: group.planes.count, width: group.width, height: group.height, model: job.model?.name ?? "the network")
        let sink = try makeSink(outputs: outputs, pictures: source.sourcePaths)
        var visualizer: FeatureVisualizer? = nil
        if let path = job.visualize {
            do {
                visualizer = try FeatureVisualizer(path: path, layout: job.grid ? .grid(count: 16) : .overlay(channel: job.channel),
                                                   source: source, overwrite: job.overwrite)
            } catch {
                sink.discard()
                throw error
            }
        }
        let progress = ProgressReporter(mode: job.progress, duration: source.duration)
        // The input's audio goes into the heatmap video from the decode stage.
        let heatmapOutput = visualizer?.output
        let feed = FrameFeed(source: source, depth: max(2, job.batch * 2), every: job.every) { packet in
            try heatmapOutput?.copy(packet)
        }
        feed.failure.run {
            try extract(feed: feed, graph: graph, precision: precision, group: group, outputs: outputs, sink: sink, visualizer: visualizer,
                        progress: progress)
        }
        if let error = feed.finish() {
            sink.discard()
            visualizer?.discard()
            throw MediaErrors.output(error, name: job.output)
        }
        do {
            try sink.finish()
            try visualizer?.finish()
        } catch {
            sink.discard()
            visualizer?.discard()
            throw error
        }
        return feed.counts.summary(seconds: progress.elapsed)
    }

    /// The planes the model reads: RGB for 3 input channels, luma for 1.
    private func inputSpace() throws -> FilterSpace {
        switch job.inputChannels {
        case 3: return .rgb
        case 1: return .luma
        default:
            throw ConvoyError("the model takes \(job.inputChannels) input channels; Convoy feeds 3 (RGB) or 1 (luma).",
                              exitCode: ConvoyError.dataError)
        }
    }

    /// Runs one segment into its part: the job's output becomes the part (replaced, so a
    /// retried task does the same again), and the part's record is written last.
    private func runPart(_ task: SegmentTask) throws -> RunSummary {
        guard job.visualize == nil else {
            throw ConvoyError("--visualize does not split into segments; render the heatmap in a run without --plan.", exitCode: ConvoyError.usage)
        }
        var part = job
        part.output = task.partPath
        part.overwrite = true
        part.source.segment = task.segment
        try task.makePartsDirectory()
        // A retried task's old record goes first: a record only ever sits beside finished files.
        unlink(FeaturePart.recordPath(part: task.partPath, segment: task.segment.index))
        Log.info(task.summary)
        return try FeatureRunner(job: part).run()
    }

    /// `pictures`: the input's files by picture index (folders and sequences), else empty.
    private func makeSink(outputs: [(name: String, itemShape: [Int])], pictures: [String]) throws -> FeatureSink {
        let sink = try makeFormatSink(outputs: outputs, pictures: pictures)
        guard let task = job.segmentTask else { return sink }
        return FeaturePartSink(inner: sink, segment: task.segment.index, every: job.every, format: job.format,
                               outputs: outputs, recordPath: FeaturePart.recordPath(part: task.partPath, segment: task.segment.index))
    }

    private func makeFormatSink(outputs: [(name: String, itemShape: [Int])], pictures: [String]) throws -> FeatureSink {
        switch job.format {
        case .npy: return try NpyFeatureSink(path: job.output, outputs: outputs, pictures: pictures)
        case .safetensors: return try SafeTensorsFeatureSink(path: job.output, outputs: outputs)
        case .directory: return try DirectoryFeatureSink(directory: job.output, outputs: outputs, pictures: pictures)
        }
    }

    /// The network stage, on the calling thread: batches of `job.batch` pictures from the feed,
    /// run in groups of whole frames that fit the activation budget (tiles when one frame alone is
    /// over it), each frame's outputs (pooled with `--pool`) appended to `sink` and drawn by
    /// `visualizer`.
    private func extract(feed: FrameFeed, graph: Graph, precision: NetworkPrecision, group: PlaneGroup, outputs: [(name: String, itemShape: [Int])], sink: FeatureSink,
                         visualizer: FeatureVisualizer?, progress: ProgressReporter) throws {
        let counts = feed.counts
        let context = ComputeThread.makeContext(threads: job.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        context.precision = precision
        let batcher = FrameBatcher(group: group, capacity: job.batch)
        // Frames too large for the activation budget run in tiles (same results).
        let forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph), budgetBytes: job.activationBudget,
                                   warn: Log.warning)
        // With --pool: one [batch, C] tensor per output, whose storage stays put between batches.
        let pooled = outputs.map { Tensor(shape: Shape([job.batch] + $0.itemShape)) }
        var pending: [PlanarImage] = []
        var lastTime = 0.0
        // Whole frames first: groups of as many as the activation budget holds.
        let groupSize = forward.framesPerRun(frameShape: Shape(1, group.planes.count, group.height, group.width),
                                             batch: job.batch)
        func run(_ frames: ArraySlice<PlanarImage>) throws {
            let images = Array(frames)
            let results = forward.forward(batcher.pack(images, workers: context.workspaces.count), context: context)
            var pointers: [UnsafePointer<Float>] = []
            var perFrame = results
            if let pool = job.pool {
                for (index, result) in results.enumerated() {
                    pool.reduce(result.pointer, frames: images.count, channels: result.shape.c,
                                planeSize: result.shape.h * result.shape.w, into: pooled[index].pointer,
                                workers: context.workspaces.count)
                }
                perFrame = pooled
            }
            for (frame, image) in images.enumerated() {
                pointers.removeAll(keepingCapacity: true)
                for (index, values) in perFrame.enumerated() {
                    pointers.append(UnsafePointer(values.pointer + frame * outputs[index].itemShape.reduce(1, *)))
                }
                lastTime = feed.source.seconds(image.timestamp)
                try sink.append(frame: pointers, index: image.index, time: lastTime)
                try visualizer?.write(image, maps: results[0], frame: frame)
                counts.framesWritten += 1
            }
            counts.framesProcessed += images.count
        }
        func flush() throws {
            guard !pending.isEmpty else { return }
            var start = 0
            while start < pending.count {
                let end = min(pending.count, start + groupSize)
                try run(pending[start..<end])
                start = end
            }
            pending.removeAll(keepingCapacity: true)
            progress.update(frames: counts.framesWritten, time: lastTime)
        }
        while let image = feed.queue.pop() {
            pending.append(image)
            if pending.count == job.batch { try flush() }
        }
        if feed.failure.error == nil {
            try flush()
            progress.finish(frames: counts.framesWritten, time: lastTime)
        }
    }

    /// Refuses to replace existing feature files without `overwrite`.
    private func checkTargets(outputs: [String], pictures: [String]) throws {
        let targets: [String]
        switch job.format {
        case .npy: targets = NpyFeatureSink.paths(for: job.output, outputs: outputs, pictures: pictures)
        case .safetensors: targets = [job.output]
        case .directory: targets = [(job.output as NSString).appendingPathComponent(FrameIndexFile.suffix(pictures: pictures))]
        }
        for target in targets where FileManager.default.fileExists(atPath: target) && !job.overwrite {
            throw ConvoyError("\(target): the file exists; add -y to replace it.", exitCode: ConvoyError.cannotCreate)
        }
    }
}
