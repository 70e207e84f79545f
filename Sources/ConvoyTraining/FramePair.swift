import ConvoyMedia

/// One training example as decoded: an input frame and its target frame, as 8-bit working planes
/// (see `PlanarImage`).
public struct FramePair {
    /// The input frame, in the model's input space (RGB for 3 channels, luma for 1).
    public let input: PlanarImage
    /// The target frame, in the space of the model's output.
    public let target: PlanarImage
    /// The pair's position in reading order, from 0.
    public let index: Int
    /// The input frame for messages: `clip.mp4 frame 3 (0.100 s)` or `inputs/cat.png`.
    public let inputName: String
    /// The target frame for messages.
    public let targetName: String

    public init(input: PlanarImage, target: PlanarImage, index: Int, inputName: String, targetName: String) {
        self.input = input
        self.target = target
        self.index = index
        self.inputName = inputName
        self.targetName = targetName
    }

    /// Bytes the two images hold.
    var byteCount: Int {
        [input, target].reduce(0) { total, image in total + image.planes.reduce(0) { $0 + $1.stride * $1.height } }
    }
}
