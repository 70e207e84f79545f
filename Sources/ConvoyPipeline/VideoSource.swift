import ConvoyMedia
import Foundation

/// The decoder stage shared by every runner: decodes the input's video stream with a
/// `VideoReader`, converts each frame to a working `PlanarImage` and pushes it into a bounded
/// queue (waiting while the queue is full). Packets of other streams go to `copyPacket`, if given.
///
/// As ffmpeg does, a damaged packet is counted and skipped, and a read error ends the input: what
/// decoded before it is still processed. Pictures that change size or pixel format mid-way are
/// scaled to the ones the stream began with, each change reported once (`PictureChange`).
///
/// The reader is used only by `run` and `picture`, each holding `decoding`; what other stages ask
/// during a run (name, size, times) was read from it when the input was opened.
// @unchecked Sendable: `reader` is guarded by `decoding`; `settings` locks itself; the rest is immutable after init.
package final class VideoSource: FrameSource, @unchecked Sendable {
    private let reader: VideoReader
    private let decoding = NSLock()
    package let settings = SourceSettings()
    /// For an image sequence pattern (`img%03d.png`): its files by picture index, else empty.
    package let sourcePaths: [String]
    package let workingFormat: WorkingFormat.Format
    /// Make the first damaged packet or frame an error instead of skipping or concealing it.
    package let strict: Bool
    /// A plan's segment: only its frames are decoded and queued (numbered as in the whole video).
    package let segment: SegmentPlan.Segment?

    /// How each decoded picture is turned before it is queued: the stream's display matrix as
    /// ffmpeg's autorotate reads it, or upright with `autorotate` off.
    package let orientation: Orientation
    /// The display matrix the output should carry: the source's when it is not applied here
    /// (`autorotate` off), nil otherwise.
    package let passedDisplayMatrix: [Int32]?
    package let name: String
    package let duration: Double?
    package let declaredFrameCount: Int
    package let sourcePixelFormat: WorkingFormat.Format
    package let color: ColorProperties
    /// The video stream's time base and rate.
    package let clock: StreamClock
    /// The stored pictures' size (before any turn).
    private let storedWidth: Int, storedHeight: Int

    /// Opens `name` and its video decoder (`raw`: headerless frames of that format); frames will
    /// be converted for `space` and, with `autorotate`, turned upright as the stream's display
    /// matrix says (as ffmpeg does by default). `startNumber` is an image sequence's first number;
    /// with `strict` the first damage stops the run; with `segment` only its frames are read.
    package init(input name: String, space: FilterSpace, threads: Int, raw: RawVideoFormat? = nil, autorotate: Bool = true,
                 startNumber: Int? = nil, strict: Bool = false, segment: SegmentPlan.Segment? = nil) throws {
        let reader: VideoReader
        do {
            reader = try VideoReader(name, raw: raw, startNumber: startNumber, threads: threads)
        } catch {
            throw MediaErrors.input(error, name: name)
        }
        self.reader = reader
        self.strict = strict
        self.segment = segment
        sourcePaths = raw == nil ? PictureFolder.sequence(name, startNumber: startNumber) : []
        var orientation = Orientation.upright
        if autorotate, let degrees = reader.displayRotation {
            if let turn = reader.autorotation {
                orientation = turn
            } else {
                Log.warning(String(format: "%@: the display matrix asks for a %.1f° rotation, which is not a multiple of 90°; frames are filtered as stored.",
                                   name, degrees))
            }
        }
        self.orientation = orientation
        passedDisplayMatrix = autorotate ? nil : reader.displayMatrix
        let source = reader.pixelFormat
        workingFormat = space == .rgb ? WorkingFormat.rgb(for: source) : WorkingFormat.yuv(for: source, orientation: orientation)
        self.name = reader.name
        duration = reader.duration
        declaredFrameCount = reader.input.video.declaredFrameCount
        sourcePixelFormat = source
        color = reader.color
        clock = reader.clock
        (storedWidth, storedHeight) = (reader.width, reader.height)
    }

    /// Lends the input's container (its streams and metadata) to `body`, before the run.
    package func withContainer<T>(_ body: (InputFile?) throws -> T) rethrows -> T {
        try decoding.withLock { try body(reader.input) }
    }

    package func seconds(_ timestamp: Int64?) -> Double { clock.seconds(timestamp) }
    package var timeTolerance: Double { clock.timeTolerance }

    /// The width of the queued pictures (after the turn and any scaling).
    package var width: Int { scaledSize?.width ?? orientation.size(width: storedWidth, height: storedHeight).width }
    /// The height of the queued pictures (after the turn and any scaling).
    package var height: Int { scaledSize?.height ?? orientation.size(width: storedWidth, height: storedHeight).height }

    /// A blank image in the working format: the plane layout every decoded frame has.
    package func makeImage() -> PlanarImage { PlanarImage(width: width, height: height, pixelFormat: workingFormat) }

    /// What an encoder of `width`×`height` pictures made from the queued ones should be told
    /// (`keepingDepth`: a deep source's pixel format too, so the output stays deep).
    package func picture(width: Int, height: Int, keepingDepth: Bool) -> VideoEncoder.Picture {
        decoding.withLock { reader.picture(width: width, height: height, orientation: orientation, keepingDepth: keepingDepth) }
    }

    /// Decodes to the end (or until `queue` is cancelled), keeping every `every`-th frame, then
    /// closes the queue.
    package func run(into queue: BoundedQueue<PlanarImage>, every: Int = 1, counts: StageCounters,
             copyPacket: ((Packet) throws -> Void)? = nil) throws {
        defer { queue.close() }
        try decoding.withLock { try decode(into: queue, every: every, counts: counts, copyPacket: copyPacket) }
        // A segment task stopped early (Ctrl-C, or SIGTERM when a scheduler preempts it) holds
        // only part of its range: it fails, so its part is discarded rather than committed short.
        if let segment, let code = Interruption.exitCode {
            throw ConvoyError("\(name): stopped by signal \(code - 128) before the end of segment \(segment.index); no part was written (run the task again).",
                              exitCode: code)
        }
    }

    /// `run`'s decoding, holding `decoding`.
    private func decode(into queue: BoundedQueue<PlanarImage>, every: Int, counts: StageCounters,
                        copyPacket: ((Packet) throws -> Void)?) throws {
        let pool = self.pool, scaledSize = self.scaledSize
        let scaler = Scaler(color: color)
        // Pictures to be turned are converted as stored into this one first.
        let stored = orientation.isUpright ? nil : PlanarImage(width: storedWidth, height: storedHeight, pixelFormat: workingFormat)
        // Turned pictures to be scaled are turned into this one first.
        let upright = orientation.size(width: storedWidth, height: storedHeight)
        let turned = stored == nil || scaledSize == nil ? nil : PlanarImage(width: upright.width, height: upright.height, pixelFormat: workingFormat)
        var change = PictureChange(first: .init(width: storedWidth, height: storedHeight, pixelFormat: sourcePixelFormat))
        // Ctrl-C: stop reading; what was decoded is still processed and written.
        try reader.decode(keepReading: { Interruption.receivedSignal == nil }, otherPacket: copyPacket, segment: segment) { event in
            switch event {
            case .frame(let decoded):
                counts.framesDecoded += 1
                let frame = decoded.frame
                try change.note(.init(width: frame.width, height: frame.height, pixelFormat: frame.pixelFormat), name: name,
                                place: String(format: "at %.3f s", clock.seconds(decoded.timestamp)), strict: strict)
                if frame.isCorrupt {
                    let time = clock.seconds(frame.bestEffortTimestamp ?? 0)
                    if strict {
                        throw ConvoyError(String(format: "%@: damaged video at %.3f s (--strict stops at the first damage).", name, time),
                                          exitCode: ConvoyError.dataError)
                    }
                    counts.framesDamaged += 1
                    Log.warning(String(format: "%@: damaged video frame at %.3f s; the decoder concealed the damage.", name, time))
                }
                guard decoded.index % every == 0 else { return true }
                let image = pool?.take() ?? makeImage()
                if let stored, let turned {
                    try scaler.convert(frame, into: stored)
                    orientation.apply(stored, into: turned)
                    try scaler.convert(turned, into: image)
                } else if let stored {
                    try scaler.convert(frame, into: stored)
                    orientation.apply(stored, into: image)
                } else {
                    try scaler.convert(frame, into: image)
                }
                image.timestamp = decoded.timestamp
                image.index = decoded.index
                image.duration = decoded.duration
                return queue.push(image)
            case .damagedPacket(let error, let seconds):
                if strict {
                    throw ConvoyError("\(name): damaged video packet at \(seconds) s (\(error.reason); --strict stops at the first damage).",
                                      exitCode: ConvoyError.dataError)
                }
                counts.decodeErrors += 1
                Log.warning("\(name): damaged video packet at \(seconds) s skipped (\(error.reason)).")
            case .readFailed(let error):
                if strict {
                    throw ConvoyError("\(name): reading stopped early (\(error); --strict stops at the first damage).",
                                      exitCode: ConvoyError.dataError)
                }
                counts.truncated = true
                Log.warning("\(name): reading stopped early (\(error)); the output keeps the frames decoded before that point.")
            case .shortRawFrame(let got, let needed):
                // A cut-off last frame of raw input is damage, dropped as ffmpeg drops it.
                let cut = "\(name): the raw input ended inside a frame (\(got) of \(needed) bytes"
                if strict {
                    throw ConvoyError("\(cut); --strict stops at the first damage).", exitCode: ConvoyError.dataError)
                }
                counts.truncated = true
                Log.warning("\(cut)); the cut-off frame was dropped and the whole frames before it are kept.")
            }
            return true
        }
    }
}
