import CFFmpeg

/// Joins the video parts a plan's tasks encoded (`OUT.EXT.parts/K.EXT`) into one file by stream
/// copy, nothing re-encoded: the parts' video packets in segment order, with the original input's
/// other streams (audio, subtitles, …) and metadata muxed once beside them, interleaved by time.
/// The parts keep the input's timestamps, so the joined video's run on without a gap or a shift.
///
/// `problems()` checks every part against the plan first, as ffmpeg's concat demuxer cannot: the
/// frame count and that every frame's time lies in its segment's range, and that all parts have
/// the same codec parameters (so one stream header serves them all).
public final class VideoPartJoin {
    public let plan: SegmentPlan
    /// The part files, one per segment, in order.
    public let parts: [String]
    /// The original input, whose other streams and metadata go into the output.
    public let original: String
    /// For each part, what its times are moved by (its time base) so that its first frame lies
    /// on its segment's start: found by `problems()`.
    private var offsets: [Int64] = []

    public init(plan: SegmentPlan, parts: [String], original: String) {
        precondition(parts.count == plan.segments.count, "one part per segment")
        self.plan = plan
        self.parts = parts
        self.original = original
    }

    /// One sentence per missing or wrong part (empty when every part is as the plan says).
    public func problems() -> [String] {
        var problems: [String] = []
        offsets = []
        var reference: (file: InputFile, stream: Int)? = nil
        let planBase = AVRational(num: plan.video.timeBase[0], den: plan.video.timeBase[1])
        for (segment, part) in zip(plan.segments, parts) {
            func say(_ text: String) { problems.append("\(part): \(text).") }
            let file: InputFile
            do { file = try InputFile(part) } catch let error as FFmpegError where error.isMissingFile {
                say("missing (the task has not finished)")
                offsets.append(0)
                continue
            } catch {
                say("not a readable video (\(error))")
                offsets.append(0)
                continue
            }
            let video = file.stream(file.videoStreamIndex)
            let index: PacketIndex
            do { index = try PacketIndex(input: file) } catch {
                say("its packets cannot be read (\(error))")
                offsets.append(0)
                continue
            }
            let base = video.pointee.time_base
            // A part that starts late stores its start in the container's own scale: MP4 and MOV
            // write it in the movie's (1 ms), which moves every time of the part by up to half a
            // millisecond. Its first frame is the segment's start: put it back there, exactly.
            let expectedStart = av_rescale_q(segment.startPts, planBase, base)
            let shown = index.entries.filter { !$0.isDiscarded }
            let offset = shown.map(\.pts).min().map { expectedStart - $0 } ?? 0
            let tolerance = max(1, av_rescale_q(1, AVRational(num: 1, den: 1000), base))
            offsets.append(abs(offset) <= tolerance ? offset : 0)
            let frames = shown.map { entry -> PacketIndex.Entry in
                var moved = entry
                moved.pts += offsets[offsets.count - 1]
                return moved
            }
            if frames.count != segment.frames { say("it has \(frames.count) frames, the plan's segment \(segment.index) has \(segment.frames)") }
            // The range in the part's time base, rounded as the muxer rounded the frames' times.
            let low = segment.seek == nil ? Int64.min : av_rescale_q(segment.startPts, planBase, base)
            let high = segment.endPts.map { av_rescale_q($0, planBase, base) } ?? Int64.max
            if let outside = frames.first(where: { $0.pts < low || $0.pts >= high }) {
                say(String(format: "a frame at %.6f s lies outside segment %d (%.6f s to %@)", index.seconds(outside.pts), segment.index,
                           segment.startSeconds, segment.endSeconds.map { String(format: "%.6f s", $0) } ?? "the end"))
            }
            if let (first, stream) = reference {
                if let difference = VideoPartJoin.difference(first.stream(stream).pointee.codecpar, video.pointee.codecpar) {
                    say("its video differs from part 0's (\(difference)); encode every part with the same options")
                }
            } else {
                reference = (file, file.videoStreamIndex)
            }
        }
        return problems
    }

    /// What differs between two streams' codec parameters that a single stream header cannot
    /// cover, or nil.
    private static func difference(_ a: UnsafeMutablePointer<AVCodecParameters>, _ b: UnsafeMutablePointer<AVCodecParameters>) -> String? {
        if a.pointee.codec_id != b.pointee.codec_id { return "another codec" }
        if a.pointee.width != b.pointee.width || a.pointee.height != b.pointee.height { return "another size" }
        if a.pointee.format != b.pointee.format { return "another pixel format" }
        let sizeA = Int(a.pointee.extradata_size), sizeB = Int(b.pointee.extradata_size)
        if sizeA != sizeB { return "other codec headers" }
        if sizeA > 0, let dataA = a.pointee.extradata, let dataB = b.pointee.extradata, memcmp(dataA, dataB, sizeA) != 0 {
            return "other codec headers"
        }
        return nil
    }

    /// Writes the joined file to `output` (in `format`, else the one its extension names),
    /// through a temporary file renamed when complete. Returns the video packets and the other
    /// streams' packets written, and the original's streams the container could not take.
    ///
    /// - Throws: `FFmpegError` or `MediaError` when a file cannot be read or written.
    public func write(to output: String, format: String?) throws -> (videoPackets: Int, otherPackets: Int, leftOut: [StreamInfo]) {
        let source = try InputFile(original)
        let first = try InputFile(parts[0])
        let file = try OutputFile(target: output, format: format)
        guard let videoStream = try file.addCopy(of: first, index: first.videoStreamIndex) else {
            throw MediaError.unknownContainer(output: output)
        }
        let videoBase = first.stream(first.videoStreamIndex).pointee.time_base
        var copied: [Int: Int] = [:]
        var leftOut: [StreamInfo] = []
        for stream in source.streams where stream.index != source.videoStreamIndex {
            if let target = try file.addCopy(of: source, index: stream.index) { copied[stream.index] = target } else { leftOut.append(stream) }
        }
        try file.start(metadataFrom: source)
        var videoCount = 0, otherPackets = 0
        do {
            if offsets.count != parts.count { _ = problems() }
            let videoPackets = PartPackets(parts: parts, first: first, timeBase: videoBase, offsets: offsets)
            var video = try videoPackets.next()
            let other = Packet()
            /// The next packet of the original's copied streams; false at its end.
            func nextOther() throws -> Bool {
                while try source.read(into: other) {
                    if copied[other.streamIndex] != nil { return true }
                }
                return false
            }
            var haveOther = try nextOther()
            while video != nil || haveOther {
                let takeVideo: Bool
                if let video, haveOther {
                    let otherBase = source.stream(other.streamIndex).pointee.time_base
                    takeVideo = av_compare_ts(video.orderingTime, videoBase, other.orderingTime, otherBase) <= 0
                } else {
                    takeVideo = video != nil
                }
                if takeVideo, let packet = video {
                    try file.write(packet, to: videoStream)
                    videoCount += 1
                    video = try videoPackets.next()
                } else {
                    try file.write(other, to: copied[other.streamIndex]!)
                    otherPackets += 1
                    haveOther = try nextOther()
                }
            }
            try file.finish()
        } catch {
            file.discard()
            throw error
        }
        return (videoCount, otherPackets, leftOut)
    }
}

private extension Packet {
    /// The time packets are interleaved by: the decoding time, else the presentation time.
    var orderingTime: Int64 { dts != convoy_nopts_value() ? dts : pts }
}
