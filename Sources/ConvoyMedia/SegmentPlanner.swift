/// Cuts a `PacketIndex` into segments for `convoy plan`, from the packets alone.
///
/// A cut point is a keyframe after the first packet that every earlier packet (decoding order)
/// is shown before; an open GOP's keyframe qualifies, its leading pictures going to the segment
/// before. Segments are balanced by frame count (`segments`) or placed at multiples of a length
/// (`seconds`), each boundary on the nearest cut point; asking for more segments than there are
/// cut points gives fewer, and `notes` says so.
public struct SegmentPlanner {
    /// What the plan asks for.
    public enum Request: Equatable, Sendable {
        /// This many segments of about equal frame counts.
        case segments(Int)
        /// Segments of about this many seconds each.
        case seconds(Double)
    }

    public let index: PacketIndex
    /// Decoding positions of the cut points, in order (their presentation times rise with them).
    public let cutPoints: [Int]
    /// Every frame's presentation time, sorted (discarded packets are no frames).
    private let framePts: [Int64]

    public init(index: PacketIndex) {
        self.index = index
        var cuts: [Int] = []
        var shownLatest = Int64.min
        for (position, entry) in index.entries.enumerated() {
            if position > 0, entry.isKeyframe, !entry.isDiscarded, shownLatest < entry.pts { cuts.append(position) }
            shownLatest = max(shownLatest, entry.pts)
        }
        cutPoints = cuts
        framePts = index.entries.filter { !$0.isDiscarded }.map(\.pts).sorted()
    }

    /// How many keyframes the video has.
    public var keyframes: Int { index.entries.filter(\.isKeyframe).count }
    /// How many frames it has.
    public var frames: Int { framePts.count }

    /// The number of frames shown before `pts`.
    private func rank(_ pts: Int64) -> Int {
        var low = 0, high = framePts.count
        while low < high {
            let middle = (low + high) / 2
            if framePts[middle] < pts { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The segments for `request`, and sentences about what differs from what was asked.
    ///
    /// - Throws: `MediaError.cannotIndex` when the video has no keyframe or no frame.
    public func segments(for request: Request) throws -> (segments: [SegmentPlan.Segment], notes: [String]) {
        guard keyframes > 0 else { throw MediaError.cannotIndex(input: index.input, reason: "its video has no keyframe to start decoding at") }
        guard frames > 0 else { throw MediaError.cannotIndex(input: index.input, reason: "its video has no frames") }
        let entries = index.entries
        var targets: [Double] = []  // in frames shown before the boundary
        var asked = 1
        switch request {
        case .segments(let count):
            asked = count
            targets = (1..<max(1, count)).map { Double($0) * Double(frames) / Double(count) }
        case .seconds(let length):
            let ticks = length * Double(index.timeBase.den) / Double(index.timeBase.num)
            var boundary = Double(framePts[0]) + ticks
            while boundary < Double(framePts[framePts.count - 1]) {
                targets.append(Double(rank(Int64(boundary.rounded(.up)))))
                boundary += ticks
            }
            asked = targets.count + 1
        }
        // The cut point nearest to each target that lies after the one chosen before.
        var chosen: [Int] = []
        for target in targets {
            let lower = chosen.last.map { rank(entries[$0].pts) } ?? 0
            var best: Int? = nil
            for cut in cutPoints {
                let shown = rank(entries[cut].pts)
                guard shown > lower, shown < frames else { continue }
                if let current = best, abs(Double(rank(entries[current].pts)) - target) <= abs(Double(shown) - target) { continue }
                best = cut
            }
            if let best, best != chosen.last { chosen.append(best) }
        }
        var notes: [String] = []
        if chosen.count + 1 < asked {
            notes.append("\(index.input): \(asked) segments asked for, \(chosen.count + 1) made: the video can be cut at \(cutPoints.count) of its \(keyframes) keyframes")
        }
        // Each frame's segment, and the last decoding position each segment needs.
        let starts = chosen.map { entries[$0].pts }
        var lastPacket = [Int](repeating: 0, count: chosen.count + 1)
        for (position, entry) in entries.enumerated() where !entry.isDiscarded {
            var segment = 0
            while segment < starts.count, entry.pts >= starts[segment] { segment += 1 }
            lastPacket[segment] = max(lastPacket[segment], position)
        }
        var segments: [SegmentPlan.Segment] = []
        for segment in 0...chosen.count {
            let seekPacket = segment == 0 ? 0 : chosen[segment - 1]
            let start = segment == 0 ? framePts[0] : entries[seekPacket].pts
            let end = segment < chosen.count ? entries[chosen[segment]].pts : nil
            let first = segment == 0 ? 0 : rank(start)
            let frameCount = (end.map(rank) ?? frames) - first
            let seek = segment == 0 ? nil : SegmentPlan.Keyframe(packet: seekPacket, pts: entries[seekPacket].pts, dts: entries[seekPacket].dts)
            segments.append(SegmentPlan.Segment(index: segment, startPts: start, endPts: end, startSeconds: index.seconds(start),
                                                endSeconds: end.map(index.seconds), frames: frameCount, firstFrame: first, seek: seek,
                                                packets: end == nil ? nil : lastPacket[segment] - seekPacket + 1))
        }
        return (segments, notes)
    }

    /// The whole plan for `request` of the input `identity` describes.
    public func plan(for request: Request, input identity: InputIdentity) throws -> (plan: SegmentPlan, notes: [String]) {
        let (segments, notes) = try self.segments(for: request)
        let video = SegmentPlan.VideoStream(stream: index.streamIndex, codec: index.codecName,
                                            timeBase: [index.timeBase.num, index.timeBase.den], frames: frames,
                                            packets: index.entries.count, keyframes: keyframes, cutPoints: cutPoints.count)
        return (SegmentPlan(input: identity, video: video, segments: segments), notes)
    }
}
