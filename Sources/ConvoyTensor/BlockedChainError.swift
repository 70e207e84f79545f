/// Why oneDNN cannot compute a `BlockedChain`'s layers quickly (the graph then runs them one by
/// one with im2col + SGEMM).
public struct BlockedChainError: Error, CustomStringConvertible {
    /// The first layer oneDNN has no fast kernel or layout for, and what was missing.
    public let reason: String

    public var description: String { reason }
}
