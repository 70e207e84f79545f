import CFFmpeg
import ConvoyMedia
import Foundation

/// The decoder stage shared by every runner: reads the input, decodes its video stream, converts
/// each frame to a working `PlanarImage` and pushes it into a bounded queue (waiting while the
/// queue is full). Packets of other streams go to `copyPacket`, if given.
///
/// As ffmpeg does, a damaged packet is counted and skipped, and a read error ends the input: what
/// decoded before it is still processed.
final class DecodeStage {
    let input: InputFile
    let decoder: VideoDecoder
    let workingFormat: WorkingFormat.Format
    /// One frame period in the stream's time base, for frames whose duration is unknown.
    let framePeriod: Int64
    /// Make the first damaged packet or frame an error instead of skipping or concealing it.
    var strict = false
    /// Where decoded pictures' images come from, when the consumer hands them back.
    var pool: ImagePool?

    /// For raw input: the bytes of one frame (a shorter last packet is a cut-off frame).
    let rawFrameSize: Int?

    /// How each decoded picture is turned before it is queued: the stream's display matrix as
    /// ffmpeg's autorotate reads it, or upright with `autorotate` off.
    let orientation: Orientation
    /// The display matrix the output should carry: the source's when it is not applied here
    /// (`autorotate` off), nil otherwise.
    let passedDisplayMatrix: [Int32]?

    /// Opens `name` and its video decoder (`raw`: headerless frames of that format); frames will
    /// be converted for `space` and, with `autorotate`, turned upright as the stream's display
    /// matrix says (as ffmpeg does by default).
    init(input name: String, space: FilterSpace, threads: Int, raw: RawVideoFormat? = nil, autorotate: Bool = true) throws {
        rawFrameSize = raw?.frameSize
        do {
            input = try InputFile(name, raw: raw)
            decoder = try VideoDecoder(input: input, threads: threads)
        } catch {
            throw MediaErrors.input(error, name: name)
        }
        let matrix = input.videoDisplayMatrix
        var orientation = Orientation.upright
        if autorotate, let matrix {
            if let turn = Orientation.autorotation(displayMatrix: matrix) {
                orientation = turn
            } else {
                let degrees = matrix.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress!) }
                Log.warning(String(format: "%@: the display matrix asks for a %.1f° rotation, which is not a multiple of 90°; frames are filtered as stored.",
                                   name, -degrees))
            }
        }
        self.orientation = orientation
        passedDisplayMatrix = autorotate ? nil : matrix
        let source = decoder.pixelFormat
        workingFormat = space == .rgb ? WorkingFormat.rgb(for: source) : WorkingFormat.yuv(for: source, orientation: orientation)
        framePeriod = Timestamps.period(frameRate: decoder.frameRate, timeBase: decoder.timeBase)
    }

    /// The width of the queued pictures (after the turn).
    var width: Int { orientation.size(width: decoder.width, height: decoder.height).width }
    /// The height of the queued pictures (after the turn).
    var height: Int { orientation.size(width: decoder.width, height: decoder.height).height }

    /// The shape of one pixel of the queued pictures (inverted by a quarter turn).
    var sampleAspectRatio: AVRational {
        let ratio = decoder.sampleAspectRatio
        return orientation.swapsAxes && ratio.num > 0 ? AVRational(num: ratio.den, den: ratio.num) : ratio
    }

    /// A blank image in the working format: the plane layout every decoded frame has.
    func makeImage() -> PlanarImage { PlanarImage(width: width, height: height, pixelFormat: workingFormat) }

    /// Decodes to the end (or until `queue` is cancelled), keeping every `every`-th frame, then
    /// closes the queue.
    func run(into queue: BoundedQueue<PlanarImage>, every: Int = 1, counts: StageCounters,
             copyPacket: ((Packet) throws -> Void)? = nil) throws {
        defer { queue.close() }
        let scaler = Scaler(color: decoder.color)
        // Pictures to be turned are converted as stored into this one first.
        let stored = orientation.isUpright ? nil : PlanarImage(width: decoder.width, height: decoder.height, pixelFormat: workingFormat)
        let packet = Packet()
        var last: Int64? = nil
        var index = 0
        func drain() throws -> Bool {
            while true {
                switch try decoder.receive() {
                case .needsInput, .endOfStream: return true
                case .frame(let frame):
                    counts.framesDecoded += 1
                    if frame.isCorrupt {
                        let time = Timestamps.seconds(frame.bestEffortTimestamp ?? 0, decoder.timeBase)
                        if strict {
                            throw ConvoyError(String(format: "%@: damaged video at %.3f s (--strict stops at the first damage).", input.name, time),
                                              exitCode: ConvoyError.dataError)
                        }
                        counts.framesDamaged += 1
                        Log.warning(String(format: "%@: damaged video frame at %.3f s; the decoder concealed the damage.", input.name, time))
                    }
                    let stamp = frame.bestEffortTimestamp ?? last.map { $0 + max(1, frame.pointer.pointee.pkt_duration) } ?? 0
                    last = stamp
                    index += 1
                    guard (index - 1) % every == 0 else { continue }
                    let image = pool?.take() ?? makeImage()
                    if let stored {
                        try scaler.convert(frame, into: stored)
                        orientation.apply(stored, into: image)
                    } else {
                        try scaler.convert(frame, into: image)
                    }
                    image.timestamp = stamp
                    image.index = index - 1
                    let own = frame.pointer.pointee.pkt_duration
                    image.duration = own > 0 ? own : framePeriod
                    if !queue.push(image) { return false }
                }
            }
        }
        func readNext() -> Bool {
            // Ctrl-C: stop reading; what was decoded is still processed and written.
            if Interruption.receivedSignal != nil { return false }
            do { return try input.read(into: packet) } catch {
                counts.truncated = true
                Log.warning("\(input.name): reading stopped early (\(error)); the output keeps the frames decoded before that point.")
                return false
            }
        }
        while readNext() {
            if packet.streamIndex == input.videoStreamIndex {
                if let rawFrameSize, Int(packet.pointer.pointee.size) < rawFrameSize {
                    // A cut-off last frame of raw input: not decoded; the run reports it at the end.
                    counts.shortRawFrame = (Int(packet.pointer.pointee.size), rawFrameSize)
                    continue
                }
                do {
                    try decoder.send(packet)
                } catch let error as FFmpegError where error.code != -ENOMEM {
                    if strict {
                        throw ConvoyError("\(input.name): damaged video packet at \(Timestamps.seconds(packet.pointer.pointee.pts, decoder.timeBase)) s (\(error.reason); --strict stops at the first damage).",
                                          exitCode: ConvoyError.dataError)
                    }
                    counts.decodeErrors += 1
                    Log.warning("\(input.name): damaged video packet at \(Timestamps.seconds(packet.pointer.pointee.pts, decoder.timeBase)) s skipped (\(error.reason)).")
                }
                if try !drain() { return }
            } else if let copyPacket {
                try copyPacket(packet)
            }
        }
        try decoder.send(nil)
        _ = try drain()
    }
}
