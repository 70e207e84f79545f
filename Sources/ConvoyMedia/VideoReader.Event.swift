extension VideoReader {
    /// What the decode loop met, for its caller to act on.
    public enum Event {
        /// A decoded frame.
        case frame(DecodedFrame)
        /// The decoder refused a packet of the video stream (damaged data); it is skipped. `seconds`
        /// is the packet's presentation time.
        case damagedPacket(FFmpegError, seconds: Double)
        /// Reading the input failed; nothing more is read and the decoder is drained.
        case readFailed(Error)
        /// The last packet of raw input is shorter than a frame (`got` of `needed` bytes); it is
        /// not decoded.
        case shortRawFrame(got: Int, needed: Int)
    }
}
