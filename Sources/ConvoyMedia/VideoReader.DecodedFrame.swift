extension VideoReader {
    /// One decoded frame with the timing the decode loop worked out for it.
    public struct DecodedFrame {
        /// The decoded picture as the decoder gave it.
        public let frame: Frame
        /// The presentation time in the stream's time base: the decoder's best estimate, or the
        /// previous frame's plus this frame's duration when the decoder has none (0 for the first).
        public let timestamp: Int64
        /// How long the frame lasts in the stream's time base: its own duration, or one frame
        /// period (at least 1) when it has none.
        public let duration: Int64
        /// The frame's position among the decoded frames of the stream, counting from 0.
        public let index: Int
    }
}
