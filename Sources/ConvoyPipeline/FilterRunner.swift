import ConvoyMedia
import ConvoyNN
import ConvoyTensor
import Foundation

/// Runs a `FilterJob`: source → bounded queue → batcher + processor (im2col + SGEMM) → bounded
/// queue → encoder stage: the source and the encoder on threads of their own (`FrameFeed`), the
/// processor on the calling thread, which alone touches it.
///
/// Memory is bounded by construction: two queues of fixed depth, batch tensors reused for every
/// batch, and the layers' own reusable buffers. Audio and other streams are copied as packets by
/// the decoder stage; the muxer interleaves them with the video by timestamp.
public final class FilterRunner {
    public let job: FilterJob

    public init(job: FilterJob) {
        self.job = job
    }

    /// Runs the job to the end. On failure no output is left behind.
    public func run() throws -> RunSummary {
        if let task = job.segmentTask, job.source.segment == nil { return try runPart(task) }
        let source = try job.source.open(space: job.processor.space, threads: job.threads ?? 0,
                                         autorotate: job.autorotate, strict: job.strict)
        source.scale(for: job.processor.fixedInput, input: job.input)
        let image = try checkOutput(source: source)
        let processor = job.processor
        let size: (width: Int, height: Int)
        do {
            size = try processor.outputSize(width: source.width, height: source.height)
            try processor.prepare(layout: source.makeImage().planes, batch: job.batch)
        } catch {
            throw ConvoyError("\(job.input): \(error)", exitCode: ConvoyError.dataError)
        }
        let output = try openOutput(source: source, size: size, image: image)

        // Queues of two frames each way: the filter stage gathers its batch from the decoded queue
        // and the encoder (the slowest stage) always has the next frame; deeper queues only added
        // frames to memory (6 MB each at 1080p RGB), not speed: peak RSS 598 -> 458 MB at depth
        // 16 -> 2. The direct engine, which takes a frame per worker rather than a batch, runs as
        // fast with one frame each way and 12 MB less (1080p RGB, 2 runs each).
        // Encoded images go back to the decoder: a frame's planes are allocated about batch + 6
        // times in a run, not once per frame.
        let gemmThreads = job.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = processor.framesPerCall(batch: job.batch, workers: gemmThreads)
        // Unowned: the source keeps its pool, so a pool that kept its source was a cycle that
        // leaked the decoder and every pooled frame with it (LeakSanitizer, issue 18).
        let pool = ImagePool(capacity: batch + 8, make: { [unowned source] in source.makeImage() })
        source.pool = pool
        let depth = batch < job.batch ? 1 : 2
        let filtered = BoundedQueue<PlanarImage>(depth: depth)
        let progress = ProgressReporter(mode: job.progress, duration: source.duration)
        let counts = StageCounters()
        let feed = FrameFeed(source: source, depth: depth, counts: counts, downstream: [filtered]) { packet in
            if try output.copy(packet) { counts.packetsCopied += 1 }
        }
        feed.start("convoy.encode") {
            try Self.encode(filtered, into: output, pool: pool, feed: feed, progress: progress)
        }
        // The filter stage runs here: the processor and its buffers never leave this thread.
        feed.failure.run {
            try Self.filter(feed.queue, into: filtered, processor: processor, batch: batch, threads: gemmThreads, counts: counts)
        }
        if let error = feed.finish() {
            output.discard()
            throw MediaErrors.output(error, name: job.output)
        }
        do { try output.finish() } catch { throw MediaErrors.output(error, name: job.output) }
        return counts.summary(seconds: progress.elapsed)
    }

    /// The picture output the job's output names (nil for a video), once the names known before
    /// the run are checked: an existing file without `-y`, or the input itself, is refused.
    private func checkOutput(source: FrameSource) throws -> ImageOutput? {
        guard var image = ImageOutput.detect(target: job.output, format: job.format, folderExtension: job.imageFormat) else {
            try OutputGuard.check(output: job.output, input: job.input, overwrite: job.overwrite)
            return nil
        }
        image.startNumber = job.startNumber ?? 1
        image.sourcePaths = source.sourcePaths
        image.overwrite = job.overwrite
        // The names known before the run are checked now; the rest when the pictures are moved.
        let known = image.isFolder ? max(1, source.sourcePaths.count) : 1
        for index in 0..<known {
            try OutputGuard.check(output: image.path(written: index, sourceIndex: index), input: job.input, overwrite: job.overwrite)
        }
        return image
    }

    /// Runs one segment into its part: the job's output becomes the part (replaced, so a retried
    /// task does the same again), closed GOPs so the parts join by stream copy, and the video
    /// alone (the join takes the other streams from the original).
    private func runPart(_ task: SegmentTask) throws -> RunSummary {
        if ImageOutput.detect(target: job.output, format: job.format, folderExtension: job.imageFormat) != nil {
            throw ConvoyError("\(job.output): segments are joined into a video; pictures cannot be written in parts.", exitCode: ConvoyError.usage)
        }
        var part = job
        part.output = task.partPath
        part.overwrite = true
        part.source.segment = task.segment
        part.encoder.closedGOP = true
        try task.makePartsDirectory()
        Log.info(task.summary)
        return try FilterRunner(job: part).run()
    }

    /// The output video for pictures of `size` made from `source`'s: every other stream of the
    /// input copied, the display matrix passed on when it is not applied; warnings for what the
    /// container cannot hold. Shared by the encode stage (pictures) and the decode stage (packets).
    private func openOutput(source: FrameSource, size: (width: Int, height: Int), image: ImageOutput?) throws -> SharedVideoWriter {
        var settings = job.encoder
        if settings.threads == 0 { settings.threads = job.threads ?? 0 }
        let output: VideoWriter
        do {
            let picture = source.picture(width: size.width, height: size.height, keepingDepth: true)
            output = try source.withContainer { container in
                try VideoWriter(target: job.output, format: job.format, settings: settings, picture: picture,
                                displayMatrix: source.passedDisplayMatrix, input: container,
                                copying: job.segmentTask == nil ? .all : .none, image: image)
            }
        } catch {
            throw MediaErrors.output(error, name: job.output)
        }
        if output.pixelFormat != source.sourcePixelFormat {
            Log.info("\(job.output): \(output.codecName) writes \(WorkingFormat.name(output.pixelFormat)) (the input is \(WorkingFormat.name(source.sourcePixelFormat))).")
        }
        for stream in output.leftOutStreams where image == nil && job.segmentTask == nil {
            Log.warning("\(job.input): stream \(stream.index) (\(stream.kind.rawValue), \(stream.codecName)) cannot go into \(output.formatName) and is left out.")
        }
        if source.passedDisplayMatrix != nil, !output.storesDisplayMatrix {
            Log.warning("\(job.output): \(output.formatName) cannot store the input's display matrix; the output plays as stored, not turned.")
        }
        if job.processor.space == .rgb, !WorkingFormat.isRGB(source.sourcePixelFormat), let assumption = source.color.untaggedAssumption {
            Log.info("\(job.input): \(assumption)")
        }
        return SharedVideoWriter(output)
    }

    /// The encode stage: writes the pictures of `filtered` to `output` in order, handing each
    /// image back to `pool`, then drains the encoder unless a stage failed.
    private static func encode(_ filtered: BoundedQueue<PlanarImage>, into output: SharedVideoWriter, pool: ImagePool,
                               feed: FrameFeed, progress: ProgressReporter) throws {
        let counts = feed.counts
        var lastTime = 0.0
        while let image = filtered.pop() {
            try output.write(image)
            pool.recycle(image)
            counts.framesWritten += 1
            lastTime = feed.source.seconds(image.timestamp)
            progress.update(frames: counts.framesWritten, time: lastTime)
        }
        if feed.failure.error != nil { return }
        try output.flush()
        progress.finish(frames: counts.framesWritten, time: lastTime)
    }

    /// The filter stage: gathers batches of `batch` pictures from `decoded`, runs `processor` on
    /// each and pushes the results into `filtered`, which it closes at the end.
    private static func filter(_ decoded: BoundedQueue<PlanarImage>, into filtered: BoundedQueue<PlanarImage>,
                               processor: FrameProcessor, batch: Int, threads: Int, counts: StageCounters) throws {
        defer { filtered.close() }
        let context = ComputeThread.makeContext(threads: threads)
        var pending: [PlanarImage] = []
        pending.reserveCapacity(batch)
        func flush() -> Bool {
            guard !pending.isEmpty else { return true }
            let results = processor.process(pending, context: context)
            counts.framesProcessed += results.count
            pending.removeAll(keepingCapacity: true)
            for image in results where !filtered.push(image) { return false }
            return true
        }
        while let image = decoded.pop() {
            pending.append(image)
            if pending.count == batch, !flush() { return }
        }
        _ = flush()
    }
}
