import ConvoyPipeline

/// Reads (input, target) frame pairs in order from the beginning of a training source. The input
/// side opens first: its frame size decides the model's window, and so the planes the target is
/// read as (`openTarget`).
protocol FramePairReader: AnyObject {
    /// The size of the first input frame, known once the input is open.
    ///
    /// - Throws: `ConvoyError` when the first input picture cannot be decoded.
    func firstInputSize() throws -> (width: Int, height: Int)

    /// Opens the target side, read as `space`'s working planes; once, before the first `next()`.
    ///
    /// - Throws: `ConvoyError` when the target is missing or unreadable.
    func openTarget(space: FilterSpace) throws

    /// The next pair, or nil after the last.
    ///
    /// - Throws: `ConvoyError` when the inputs are unreadable or do not pair.
    func next() throws -> FramePair?
}
