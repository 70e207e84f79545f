/// Receives the features of each processed frame and writes them in one format.
///
/// Nothing is visible at the target until `finish()`; `discard()` removes everything written.
protocol FeatureSink: AnyObject {
    /// Appends one frame: for each model output, a pointer to its per-frame array (`itemShapes`).
    func append(frame outputs: [UnsafePointer<Float>], index: Int, time: Double) throws
    func finish() throws
    func discard()
}
