extension VideoWriter {
    /// Which of the input's other streams are copied.
    public enum CopiedStreams {
        /// Every stream but the primary video.
        case all
        /// Audio streams only.
        case audio
        /// None: the video alone (a segment's part).
        case none
    }
}
