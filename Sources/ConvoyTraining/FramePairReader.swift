/// Reads (input, target) frame pairs in order from the beginning of a training source.
protocol FramePairReader: AnyObject {
    /// The next pair, or nil after the last.
    ///
    /// - Throws: `ConvoyError` when the inputs are unreadable or do not pair.
    func next() throws -> FramePair?
}
