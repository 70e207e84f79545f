/// What one call to a decoder produced. EAGAIN and EOF are ordinary outcomes, not errors.
public enum DecodeStep {
    /// A decoded frame.
    case frame(Frame)
    /// The decoder wants another packet before it can produce a frame.
    case needsInput
    /// The decoder has been drained and will produce nothing more.
    case endOfStream
}
