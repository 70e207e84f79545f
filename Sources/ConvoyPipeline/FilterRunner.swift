import ConvoyMedia
import ConvoyNN
import ConvoyTensor
import Foundation

/// Runs a `FilterJob`: decoder stage → bounded queue → batcher + processor (im2col + SGEMM) →
/// bounded queue → encoder stage, each stage on its own thread.
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
        let codecThreads = job.threads ?? 0
        let source = try DecodeStage(input: job.input, space: job.processor.space, threads: codecThreads, raw: job.raw,
                                     autorotate: job.autorotate)
        source.strict = job.strict
        try OutputGuard.check(output: job.output, input: job.input, overwrite: job.overwrite)
        let processor = job.processor
        let size: (width: Int, height: Int)
        do {
            size = try processor.outputSize(width: source.width, height: source.height)
            try processor.prepare(layout: source.makeImage().planes, batch: job.batch)
        } catch {
            throw ConvoyError("\(job.input): \(error)", exitCode: ConvoyError.dataError)
        }

        let output: VideoWriter
        var settings = job.encoder
        if settings.threads == 0 { settings.threads = codecThreads }
        do {
            output = try VideoWriter(target: job.output, format: job.format, settings: settings,
                                     picture: source.picture(width: size.width, height: size.height, keepingDepth: true),
                                     displayMatrix: source.passedDisplayMatrix, input: source.input, copying: .all)
        } catch {
            throw MediaErrors.output(error, name: job.output)
        }
        for stream in output.leftOutStreams {
            Log.warning("\(job.input): stream \(stream.index) (\(stream.kind.rawValue), \(stream.codecName)) cannot go into \(output.formatName) and is left out.")
        }
        if source.passedDisplayMatrix != nil, !output.storesDisplayMatrix {
            Log.warning("\(job.output): \(output.formatName) cannot store the input's display matrix; the output plays as stored, not turned.")
        }
        let reader = source.reader
        if processor.space == .rgb, !WorkingFormat.isRGB(reader.pixelFormat), let assumption = reader.color.untaggedAssumption {
            Log.info("\(job.input): \(assumption)")
        }

        // Queues of two frames each way: the filter stage gathers its batch from the decoded queue
        // and the encoder (the slowest stage) always has the next frame; deeper queues only added
        // frames to memory (6 MB each at 1080p RGB), not speed: peak RSS 598 -> 458 MB at depth
        // 16 -> 2. The direct engine, which takes a frame per worker rather than a batch, runs as
        // fast with one frame each way and 12 MB less (1080p RGB, 2 runs each).
        // Encoded images go back to the decoder: a frame's planes are allocated about batch + 6
        // times in a run, not once per frame.
        let gemmThreads = job.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = processor.framesPerCall(batch: job.batch, workers: gemmThreads)
        let pool = ImagePool(capacity: batch + 8, make: source.makeImage)
        source.pool = pool
        let depth = batch < job.batch ? 1 : 2
        let decoded = BoundedQueue<PlanarImage>(depth: depth)
        let filtered = BoundedQueue<PlanarImage>(depth: depth)
        let failure = StageFailure {
            decoded.cancel()
            filtered.cancel()
        }
        let progress = ProgressReporter(mode: job.progress, duration: reader.duration)
        let counts = StageCounters()
        let stages = DispatchGroup()

        Stage.start("convoy.decode", group: stages) {
            failure.run {
                try source.run(into: decoded, counts: counts) { packet in
                    if try output.copy(packet) { counts.packetsCopied += 1 }
                }
            }
        }

        Stage.start("convoy.filter", group: stages) {
            failure.run {
                defer { filtered.close() }
                let context = ComputeThread.makeContext(threads: gemmThreads)
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

        Stage.start("convoy.encode", group: stages) {
            failure.run {
                var lastTime = 0.0
                while let image = filtered.pop() {
                    try output.write(image)
                    pool.recycle(image)
                    counts.framesWritten += 1
                    lastTime = reader.seconds(image.timestamp)
                    progress.update(frames: counts.framesWritten, time: lastTime)
                }
                if failure.error != nil { return }
                try output.flush()
                progress.finish(frames: counts.framesWritten, time: lastTime)
            }
        }

        stages.wait()
        if failure.error == nil, counts.framesDecoded == 0 {
            failure.record(ConvoyError("\(job.input): no video frame could be decoded.", exitCode: ConvoyError.dataError))
        }
        if let error = failure.error {
            output.discard()
            throw MediaErrors.output(error, name: job.output)
        }
        do { try output.finish() } catch { throw MediaErrors.output(error, name: job.output) }
        if let short = counts.shortRawFrame {
            // The whole frames are written; the cut-off one is the input's fault, said as an error.
            throw ConvoyError("\(job.input): the raw input ended inside a frame (\(short.got) of \(short.needed) bytes); the \(counts.framesWritten) whole frames read were written to \(job.output).",
                              exitCode: ConvoyError.dataError)
        }
        return counts.summary(seconds: progress.elapsed)
    }
}
