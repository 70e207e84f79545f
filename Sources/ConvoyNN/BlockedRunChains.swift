import ConvoyTensor

/// The chains a `BlockedRun` computes one input shape with: one one-image chain per worker (oneDNN
/// on one thread each), and one chain on oneDNN's threads for the images the workers do not share
/// evenly.
struct BlockedRunChains {
    /// `[1, C, H, W]` chains, one per worker; empty with one worker or fewer images than workers.
    let perImage: [BlockedChain]
    /// The chain for the last `rest.inputShape.n` images, or nil when the workers share them all.
    let rest: BlockedChain?
}
