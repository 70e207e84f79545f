import CFFmpeg

/// An opened input and a threaded decoder for its primary video stream, with the one decode loop
/// Convoy has: read a packet, send video to the decoder, drain every frame it has, and at the end
/// of the input drain the decoder itself. Counting frames and every decoding stage use this loop.
///
/// Packets of other streams are handed on untouched; what to do with damaged packets, a read
/// error or a cut-off raw frame is the caller's choice (`Event`).
public final class VideoReader {
    /// The demuxed input: its name, container and streams.
    public let input: InputFile
    let decoder: VideoDecoder
    /// For raw input: the bytes of one frame (a shorter last packet is a cut-off frame).
    private let rawFrameSize: Int?

    /// Opens `name` (a path, URL, or `-` for standard input) and its video decoder with `threads`
    /// threads (0 lets FFmpeg decide). With `raw`, the input is headerless frames of that format;
    /// `startNumber` is an image sequence's first number (`InputFile`).
    ///
    /// - Throws: `FFmpegError` or `MediaError` when the input cannot be opened or decoded.
    public init(_ name: String, raw: RawVideoFormat? = nil, startNumber: Int? = nil, threads: Int) throws {
        input = try InputFile(name, raw: raw, startNumber: startNumber)
        decoder = try VideoDecoder(input: input, threads: threads)
        rawFrameSize = raw?.frameSize
    }

    /// Opens a decoder for the primary video stream of an input opened already.
    public init(input: InputFile, threads: Int) throws {
        self.input = input
        decoder = try VideoDecoder(input: input, threads: threads)
        rawFrameSize = nil
    }

    /// The name the user gave, for messages.
    public var name: String { input.name }
    /// The stored picture's width and height (before any turn).
    public var width: Int { decoder.width }
    public var height: Int { decoder.height }
    /// The decoded frames' pixel format.
    public var pixelFormat: WorkingFormat.Format { decoder.pixelFormat }
    /// The stream's colour description.
    public var color: ColorProperties { decoder.color }
    /// The length of the input in seconds: the container's, else the video stream's, when known.
    public var duration: Double? { input.duration ?? input.video.duration }

    /// The video stream's time base and rate, as a value any thread may keep.
    public var clock: StreamClock { StreamClock(timeBase: decoder.timeBase, frameRate: decoder.frameRate) }

    /// `timestamp` (in the video stream's time base) in seconds; 0 when missing.
    public func seconds(_ timestamp: Int64?) -> Double { clock.seconds(timestamp) }

    /// Half a frame period in seconds (1 ms when the rate is unknown): how far apart two
    /// timestamps may be and still name the same moment.
    public var timeTolerance: Double { clock.timeTolerance }

    /// The video stream's display matrix (nine row-major fixed-point numbers), or nil.
    public var displayMatrix: [Int32]? { input.videoDisplayMatrix }

    /// The turn ffmpeg's autorotate applies to show the pictures upright (`.upright` without a
    /// display matrix), or nil when the matrix asks for a rotation that is not a quarter turn.
    public var autorotation: Orientation? {
        guard let matrix = displayMatrix else { return .upright }
        return Orientation.autorotation(displayMatrix: matrix)
    }

    /// How far the display matrix turns the picture clockwise, in degrees (not reduced to
    /// 0…360), or nil without a matrix.
    public var displayRotation: Double? {
        displayMatrix.map { -Orientation.counterClockwiseRotation(displayMatrix: $0) }
    }

    /// What an encoder of `width`×`height` pictures made from this video's frames, turned by
    /// `orientation`, should be told: the source's time base, rate, colours and pixel shape (a
    /// quarter turn inverts the pixel shape), and, with `keepingDepth`, the source's pixel format
    /// so a deep source stays deep.
    public func picture(width: Int, height: Int, orientation: Orientation, keepingDepth: Bool) -> VideoEncoder.Picture {
        var ratio = decoder.sampleAspectRatio
        if orientation.swapsAxes, ratio.num > 0 { ratio = AVRational(num: ratio.den, den: ratio.num) }
        return VideoEncoder.Picture(width: width, height: height, timeBase: decoder.timeBase, frameRate: decoder.frameRate,
                                    color: decoder.color, sampleAspectRatio: ratio,
                                    sourcePixelFormat: keepingDepth ? decoder.pixelFormat : nil)
    }

    /// Reads and decodes to the end of the input, or until `handle` returns false for a frame.
    ///
    /// `keepReading` is asked before each packet is read; when it says no, the decoder is drained
    /// as at the end of the input. Packets of other streams go to `otherPacket`, if given. Every
    /// frame, damaged packet, read error and cut-off raw frame goes to `handle`, which may throw
    /// to stop. A damaged packet is skipped (as ffmpeg does) after `handle` has seen it; a read
    /// error ends the input, and what was decoded before it still comes out.
    ///
    /// With `segment`, only that range of a plan is decoded: the demuxer seeks to its keyframe,
    /// the decoder is fed the range's packets from there and drained, and only the frames whose
    /// time lies in the range reach `handle`, numbered from the range's first frame; other
    /// streams' packets are not handed on. When the range gave other frames than the plan says
    /// (and reading was not stopped early), it throws `MediaError.segmentMismatch`.
    public func decode(keepReading: () -> Bool = { true }, otherPacket: ((Packet) throws -> Void)? = nil,
                       segment: SegmentPlan.Segment? = nil, _ handle: (Event) throws -> Bool) throws {
        let packet = Packet()
        var pass = DecodePass(segment: segment, framePeriod: Timestamps.period(frameRate: decoder.frameRate, timeBase: decoder.timeBase))
        if let seek = segment?.seek { try seekKeyframe(seek) }
        while try read(into: packet, pass: &pass, keepReading: keepReading, handle) {
            guard packet.streamIndex == input.videoStreamIndex else {
                if segment == nil { try otherPacket?(packet) }
                continue
            }
            switch try pass.approach(packet, input: name) {
            case .skip: continue
            case .rewind:
                try input.seekVideo(toDecodingTime: nil)
                continue
            case .arrived: break
            }
            pass.fed()
            if let rawFrameSize, packet.size < rawFrameSize {
                _ = try handle(.shortRawFrame(got: packet.size, needed: rawFrameSize))
                continue
            }
            try send(packet, handle)
            if try !drain(&pass, handle) { return }
        }
        // A decoder that reports damage instead of starting to drain is asked again, once.
        for _ in 0..<2 {
            do {
                try decoder.send(nil)
                break
            } catch let error as FFmpegError {
                try damaged(error, pass: pass, handle)
            }
        }
        _ = try drain(&pass, handle)
        try pass.checkCount(input: name)
    }

    /// Reads the next packet into `packet`; false at the end of the input or of the segment's
    /// packets, when `keepReading` says no, or after a read error (handed to `handle`).
    private func read(into packet: Packet, pass: inout DecodePass, keepReading: () -> Bool,
                      _ handle: (Event) throws -> Bool) throws -> Bool {
        guard !pass.isFed else { return false }
        guard keepReading() else {
            pass.stopped = true
            return false
        }
        do { return try input.read(into: packet) } catch {
            _ = try handle(.readFailed(error))
            pass.stopped = true
            return false
        }
    }

    /// Sends a video packet to the decoder; one it refuses as damaged goes to `handle` (and is
    /// skipped), running out of memory is thrown.
    private func send(_ packet: Packet, _ handle: (Event) throws -> Bool) throws {
        do {
            try decoder.send(packet)
        } catch let error as FFmpegError where error.code != convoy_averror(ENOMEM) {
            _ = try handle(.damagedPacket(error, seconds: Timestamps.seconds(packet.pts, decoder.timeBase)))
        }
    }

    /// The decoder's complaint about damage as a skipped packet, at the last frame's time
    /// (frame-threaded decoders report a damaged packet when its frame is due, on receive or at
    /// the final flush, not when it is sent). Running out of memory is not damage.
    private func damaged(_ error: FFmpegError, pass: DecodePass, _ handle: (Event) throws -> Bool) throws {
        guard error.code != convoy_averror(ENOMEM) else { throw error }
        _ = try handle(.damagedPacket(error, seconds: Timestamps.seconds(pass.last ?? convoy_nopts_value(), decoder.timeBase)))
    }

    /// Hands on every frame the decoder has ready that `pass` admits; false when `handle` asked
    /// to stop. A damaged frame the decoder reports goes to `handle` and ends this drain.
    private func drain(_ pass: inout DecodePass, _ handle: (Event) throws -> Bool) throws -> Bool {
        while true {
            let step: DecodeStep
            do { step = try decoder.receive() } catch let error as FFmpegError {
                try damaged(error, pass: pass, handle)
                return true
            }
            guard case .frame(let frame) = step else { return true }
            guard let decoded = pass.admit(frame) else { continue }
            if try !handle(.frame(decoded)) {
                pass.stopped = true
                return false
            }
        }
    }

    /// Moves the demuxer to the last keyframe at or before `keyframe`'s decoding time, or to the
    /// start of the input when that seek fails.
    private func seekKeyframe(_ keyframe: SegmentPlan.Keyframe) throws {
        do { try input.seekVideo(toDecodingTime: keyframe.seekTime) } catch { try input.seekVideo(toDecodingTime: nil) }
    }

    /// Decodes the video stream to the end and returns how many frames came out (containers'
    /// counts are often missing or wrong). Damaged packets are skipped, as ffmpeg skips them; a
    /// read error is thrown.
    public func countFrames() throws -> Int {
        var frames = 0
        try decode { event in
            switch event {
            case .frame: frames += 1
            case .readFailed(let error): throw error
            case .damagedPacket, .shortRawFrame: break
            }
            return true
        }
        return frames
    }
}
