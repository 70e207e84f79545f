extension SegmentPlan {
    /// One range of the video, `[startPts, endPts)` in presentation time, and how to decode
    /// exactly its frames: seek to the keyframe `seek`, feed `packets` video packets from it
    /// (decoding order), drain the decoder and keep the frames whose time lies in the range.
    ///
    /// A range starts at a keyframe that no earlier packet (in decoding order) is shown after, so
    /// no frame of it is decoded before its keyframe. An open GOP's leading pictures (decoded after
    /// the keyframe, shown before it) belong to the range before, whose `packets` reach past the
    /// keyframe to decode them from their real references.
    public struct Segment: Codable, Equatable, Sendable {
        /// K, from 0.
        public var index: Int
        /// The first presentation time that belongs to the range (the keyframe's; the first
        /// frame's for segment 0).
        public var startPts: Int64
        /// The first presentation time after the range (the next segment's start), nil for the last.
        public var endPts: Int64?
        /// `startPts` and `endPts` in seconds, for people.
        public var startSeconds: Double
        public var endSeconds: Double?
        /// How many frames the range holds, and the index of its first among all the video's
        /// frames (presentation order).
        public var frames: Int
        public var firstFrame: Int
        /// The keyframe to seek to (nil for segment 0, which decodes from the start).
        public var seek: Keyframe?
        /// How many video packets to feed from the keyframe (or the start), nil: to the end.
        public var packets: Int?

        public init(index: Int, startPts: Int64, endPts: Int64?, startSeconds: Double, endSeconds: Double?, frames: Int,
                    firstFrame: Int, seek: Keyframe?, packets: Int?) {
            self.index = index
            self.startPts = startPts
            self.endPts = endPts
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.frames = frames
            self.firstFrame = firstFrame
            self.seek = seek
            self.packets = packets
        }

        /// True when a frame at `timestamp` belongs to the range (segment 0 takes everything
        /// before its end).
        public func contains(_ timestamp: Int64) -> Bool {
            (seek == nil || timestamp >= startPts) && (endPts.map { timestamp < $0 } ?? true)
        }
    }

    /// A keyframe packet, found again after a seek by its presentation time.
    public struct Keyframe: Codable, Equatable, Sendable {
        /// Its position among the video packets (decoding order, from 0).
        public var packet: Int
        public var pts: Int64
        /// Its decoding time, nil where the container does not store one (Matroska).
        public var dts: Int64?

        /// The time to seek to: the decoding time (MP4 indexes by it), else the presentation time.
        public var seekTime: Int64 { dts ?? pts }
    }
}
