import CFFmpeg

extension VideoReader {
    /// Where one run of the decode loop stands: the frames numbered and kept so far, whether the
    /// caller stopped it, and for a plan's segment, the packets still to feed and whether the
    /// segment's keyframe has been reached after the seek.
    struct DecodePass {
        /// The segment decoded, or nil for the whole video.
        let segment: SegmentPlan.Segment?
        /// One frame period in the stream's time base: the duration of a frame that has none.
        let framePeriod: Int64
        /// The number the next kept frame gets (as in the whole video).
        var index: Int
        /// Frames handed on so far.
        var kept = 0
        /// True once `handle` asked to stop, `keepReading` said no or a read failed.
        var stopped = false
        /// The last frame's timestamp, for frames the decoder gives none.
        var last: Int64? = nil
        /// Video packets still to feed (a segment's); nil: to the end.
        var remaining: Int?
        /// False after a seek until the segment's keyframe comes by.
        var atKeyframe: Bool
        /// True once the loop went back to the start because the seek overshot.
        var rewound = false

        init(segment: SegmentPlan.Segment?, framePeriod: Int64) {
            self.segment = segment
            self.framePeriod = framePeriod
            index = segment?.firstFrame ?? 0
            remaining = segment?.packets
            atKeyframe = segment?.seek == nil
        }

        /// True when no more packets are to be fed: the segment's count is used up.
        var isFed: Bool { remaining == 0 }

        /// Counts `packet` as fed to the decoder.
        mutating func fed() {
            if let count = remaining { remaining = count - 1 }
        }

        /// The decoded frame to hand on for `frame`, numbered, or nil when its time lies outside
        /// the segment.
        mutating func admit(_ frame: Frame) -> DecodedFrame? {
            let timestamp = frame.bestEffortTimestamp ?? last.map { $0 + max(1, frame.duration) } ?? 0
            last = timestamp
            if let segment, !segment.contains(timestamp) { return nil }
            let decoded = DecodedFrame(frame: frame, timestamp: timestamp,
                                       duration: frame.duration > 0 ? frame.duration : framePeriod, index: index)
            index += 1
            kept += 1
            return decoded
        }

        /// What to do with a video packet read after the seek, before the segment's keyframe.
        enum Approach {
            /// The keyframe: feed from here on.
            case arrived
            /// Before it: skip this packet.
            case skip
            /// Past it: the seek overshot; read from the start of the input (once).
            case rewind
        }

        /// Where `packet` lies against the segment's keyframe (`arrived` once it was reached).
        ///
        /// - Throws: `MediaError.segmentMismatch` when the keyframe is overshot a second time:
        ///   the input does not hold it.
        mutating func approach(_ packet: Packet, input name: String) throws -> Approach {
            guard !atKeyframe, let segment, let seek = segment.seek else { return .arrived }
            if packet.pts == seek.pts, packet.isKeyframe {
                atKeyframe = true
                return .arrived
            }
            let overshot = packet.isKeyframe && packet.pts > seek.pts || packet.dts != convoy_nopts_value() && packet.dts > seek.seekTime
            guard overshot else { return .skip }
            guard !rewound else {
                throw MediaError.segmentMismatch(input: name, segment: segment.index,
                                                 reason: "its keyframe (pts \(seek.pts)) is not in the input")
            }
            rewound = true
            return .rewind
        }

        /// Throws `MediaError.segmentMismatch` when a segment decoded to its end gave another
        /// number of frames than the plan says.
        func checkCount(input name: String) throws {
            guard let segment, !stopped, kept != segment.frames else { return }
            throw MediaError.segmentMismatch(input: name, segment: segment.index,
                                             reason: "it gave \(kept) frames, the plan says \(segment.frames)")
        }
    }
}
