import ConvoyMedia
import ConvoyNN
import ConvoyTensor
import Foundation

/// Runs a `FilterJob`: decoder stage → bounded queue → batcher + layer (im2col + SGEMM) →
/// bounded queue → encoder stage, each stage on its own thread.
///
/// Memory is bounded by construction: two queues of fixed depth, one batch tensor per plane group
/// reused for every batch, and the layer's own reusable buffers. Audio and other streams are copied
/// as packets by the decoder stage; the muxer interleaves them with the video by timestamp.
public final class FilterRunner {
    public let job: FilterJob

    public init(job: FilterJob) {
        self.job = job
    }

    /// Runs the job to the end. On failure no output is left behind.
    public func run() throws -> RunSummary {
        let input: InputFile
        do { input = try InputFile(job.input) } catch { throw MediaErrors.input(error, name: job.input) }
        try OutputGuard.check(output: job.output, input: job.input, overwrite: job.overwrite)
        let codecThreads = job.threads ?? 0
        let decoder: VideoDecoder
        do { decoder = try VideoDecoder(input: input, threads: codecThreads) } catch { throw MediaErrors.input(error, name: job.input) }

        let workingFormat = job.space == .rgb ? WorkingFormat.rgb : WorkingFormat.yuv(for: decoder.pixelFormat)
        let width = decoder.width, height = decoder.height
        let layout = PlanarImage(width: width, height: height, pixelFormat: workingFormat).planes
        let groups = PlaneGroup.groups(for: job.space, planes: layout)
        let layers = try groups.map { _ in try job.makeLayer() }

        let output: OutputFile
        let encoder: VideoEncoder
        var settings = job.encoder
        if settings.threads == 0 { settings.threads = codecThreads }
        let video = input.video
        do {
            output = try OutputFile(target: job.output, format: job.format)
            let picture = VideoEncoder.Picture(width: width, height: height, timeBase: decoder.timeBase,
                                               frameRate: decoder.frameRate, color: decoder.color,
                                               sampleAspectRatio: decoder.sampleAspectRatio)
            encoder = try VideoEncoder(settings: settings, picture: picture, globalHeader: output.wantsGlobalHeader)
            try output.addVideoStream(encoder: encoder)
            for stream in input.streams where stream.index != input.videoStreamIndex {
                if try !output.addCopiedStream(from: input, index: stream.index) {
                    Log.warning("\(job.input): stream \(stream.index) (\(stream.kind.rawValue), \(stream.codecName)) cannot go into \(output.formatName) and is left out.")
                }
            }
            try output.start(metadataFrom: input)
        } catch {
            throw MediaErrors.output(error, name: job.output)
        }

        let decoded = BoundedQueue<PlanarImage>(depth: max(2, job.batch * 2))
        let filtered = BoundedQueue<PlanarImage>(depth: max(2, job.batch * 2))
        let failure = StageFailure {
            decoded.cancel()
            filtered.cancel()
        }
        let progress = ProgressReporter(mode: job.progress, duration: input.duration ?? video.duration)
        let counts = StageCounters()
        let timeBase = decoder.timeBase
        // One frame period in the stream's time base, for frames whose duration is unknown.
        let framePeriod = Timestamps.period(frameRate: decoder.frameRate, timeBase: timeBase)
        let gemmThreads = job.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = job.batch
        let inputName = job.input
        let neutralChroma = job.space == .luma && job.chroma == .neutral
        let stages = DispatchGroup()

        Stage.start("convoy.decode", group: stages) {
            failure.run {
                defer { decoded.close() }
                let scaler = Scaler(color: decoder.color)
                let packet = Packet()
                var last: Int64? = nil
                func drain() throws -> Bool {
                    while true {
                        switch try decoder.receive() {
                        case .needsInput, .endOfStream: return true
                        case .frame(let frame):
                            let image = PlanarImage(width: width, height: height, pixelFormat: workingFormat)
                            try scaler.convert(frame, into: image)
                            let stamp = frame.bestEffortTimestamp ?? last.map { $0 + max(1, frame.pointer.pointee.pkt_duration) } ?? 0
                            image.timestamp = stamp
                            let own = frame.pointer.pointee.pkt_duration
                            image.duration = own > 0 ? own : framePeriod
                            last = stamp
                            counts.framesDecoded += 1
                            if !decoded.push(image) { return false }
                        }
                    }
                }
                // As ffmpeg does, a read error ends the input: what decoded so far is still written.
                func readNext() -> Bool {
                    do { return try input.read(into: packet) } catch {
                        counts.truncated = true
                        Log.warning("\(inputName): reading stopped early (\(error)); the output keeps the frames decoded before that point.")
                        return false
                    }
                }
                while readNext() {
                    if packet.streamIndex == input.videoStreamIndex {
                        do {
                            try decoder.send(packet)
                        } catch let error as FFmpegError where error.code == -EAGAIN {
                            preconditionFailure("decoder refused input while frames were pending")
                        } catch let error as FFmpegError where error.code != -ENOMEM {
                            counts.decodeErrors += 1
                            Log.warning("\(inputName): damaged video packet at \(Timestamps.seconds(packet.pointer.pointee.pts, timeBase)) s skipped (\(error.reason)).")
                        }
                        if try !drain() { return }
                    } else if let target = output.copiedStream(for: packet.streamIndex) {
                        try output.write(packet, to: target)
                        counts.packetsCopied += 1
                    }
                }
                try decoder.send(nil)
                _ = try drain()
            }
        }

        Stage.start("convoy.filter", group: stages) {
            failure.run {
                defer { filtered.close() }
                // Convoy shares each convolution's tiles among its own workers, each running
                // single-threaded GEMMs; oneDNN's OpenMP threads would spin between calls.
                OneDNNMatrixMultiplier.setThreadCount(1)
                let context = ExecutionContext(threads: gemmThreads)
                let batchers = groups.map { FrameBatcher(group: $0, capacity: batch) }
                var results: [Tensor?] = Array(repeating: nil, count: groups.count)
                var pending: [PlanarImage] = []
                pending.reserveCapacity(batch)
                func flush() -> Bool {
                    guard !pending.isEmpty else { return true }
                    for (index, batcher) in batchers.enumerated() {
                        let group = batcher.group
                        let packed = batcher.pack(pending)
                        // Each plane is filtered on its own: [N, P, H, W] is viewed as [N·P, 1, H, W].
                        let planes = packed.reshaped(Shape(pending.count * group.planes.count, 1, group.height, group.width))
                        let layer = layers[index]
                        let outShape = layer.outputShape(for: planes.shape)
                        precondition(outShape == planes.shape, "a plane filter must keep the plane's shape")
                        let result = results[index].map { $0.resized(to: outShape) } ?? Tensor(shape: outShape)
                        results[index] = result
                        layer.forward(planes, into: result, context: context)
                        FrameBatcher.unpack(result.reshaped(packed.shape), into: pending, group: group)
                    }
                    if neutralChroma {
                        for image in pending { image.fillChroma(128) }
                    }
                    counts.framesProcessed += pending.count
                    for image in pending where !filtered.push(image) { return false }
                    pending.removeAll(keepingCapacity: true)
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
                let scaler = Scaler(color: decoder.color)
                var lastTime = 0.0
                var durations = PacketDurations()
                let write: (Packet) throws -> Void = { packet in
                    if packet.pointer.pointee.duration <= 0 {
                        packet.pointer.pointee.duration = durations.duration(for: packet.pointer.pointee.pts)
                    }
                    try output.write(packet, to: 0)
                }
                while let image = filtered.pop() {
                    let frame = try scaler.convert(image, width: width, height: height, pixelFormat: encoder.pixelFormat)
                    frame.pointer.pointee.pts = image.timestamp ?? 0
                    durations.sent(pts: frame.pointer.pointee.pts, duration: image.duration)
                    try encoder.encode(frame, write: write)
                    counts.framesWritten += 1
                    lastTime = Timestamps.seconds(image.timestamp ?? 0, timeBase)
                    progress.update(frames: counts.framesWritten, time: lastTime)
                }
                if failure.error != nil { return }
                try encoder.encode(nil, write: write)
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
        return counts.summary(seconds: progress.elapsed)
    }
}
