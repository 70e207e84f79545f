import ConvoyTensor
import ConvoyWeights

extension TiledForward {
    /// Refuses frames of `width`×`height` (`channels` planes) whose input and outputs, run
    /// however cut, would not fit `MemoryLimit`: a model that upsamples a frame 4096 times
    /// would otherwise end the process in the allocator.
    ///
    /// - Throws: `ConvoyError` (exit 65) naming the model, the frame size and both byte counts.
    public func checkMemory(channels: Int, width: Int, height: Int, model name: String) throws {
        let bytes = try leastBytes(frameShape: Shape(1, channels, height, width))
        if let excess = MemoryLimit.excess(bytes) {
            throw ConvoyError("\(name): one \(width)x\(height) frame and the model's outputs for it \(excess).",
                              exitCode: ConvoyError.dataError)
        }
    }
}
