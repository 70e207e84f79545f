/// The `input:` section of a model file: how many channels the model reads and how pixels are
/// normalised before the first layer, as torchvision's `ToTensor` + `Normalize` do:
///
///     x = (pixel / scale - mean[c]) / std[c]
///
/// where `pixel` is the 8-bit sample (0 … 255).
///
/// ```yaml
/// input:
///   channels: 3                    # 3 = RGB frames, 1 = luma
///   scale: 255                     # default 255
///   mean: [0.485, 0.456, 0.406]    # one value per channel, or one for all; default 0
///   std: [0.229, 0.224, 0.225]     # likewise; default 1
/// ```
public struct ModelInputSpec: Equatable, Sendable {
    /// Channels of the model input: 3 for RGB, 1 for luma.
    public var channels: Int
    /// Pixels are divided by this first (255 for 8-bit values into 0 … 1).
    public var scale: Float
    /// Subtracted after scaling: one value per channel, or one for all.
    public var mean: [Float]
    /// Divides after subtracting the mean: one value per channel, or one for all; each positive.
    public var std: [Float]

    /// An input section made in code; the defaults are the file format's.
    public init(channels: Int, scale: Float = 255, mean: [Float] = [0], std: [Float] = [1]) {
        self.channels = channels
        self.scale = scale
        self.mean = mean
        self.std = std
    }

    /// The keys the section takes.
    public static let keys = ["channels", "scale", "mean", "std"]
}

extension ModelInputSpec {
    /// Reads and checks the section.
    init(_ fields: YAMLMapping) throws {
        try fields.checkKeys(Self.keys)
        channels = try fields.integer("channels", in: 1...ModelLayerSpec.maximumChannels)
        let scale = try fields.number("scale", default: 255)
        guard scale > 0 else {
            throw ModelSpecIssue(.badValue(place: fields.place, key: "scale", reason: "must be positive, got \(scale)"))
        }
        self.scale = Float(scale)
        let mean = try fields.numbers("mean") ?? [0]
        let std = try fields.numbers("std") ?? [1]
        for (key, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != channels {
            throw ModelSpecIssue(.badValue(place: fields.place, key: key, reason:
                "must have one value or one per channel (\(channels)), got \(values.count)"))
        }
        if let bad = std.first(where: { $0 <= 0 || Float($0) == 0 }) {
            throw ModelSpecIssue(.badValue(place: fields.place, key: "std", reason: "must hold positive numbers, got \(bad)"))
        }
        self.mean = mean.map { Float($0) }
        self.std = std.map { Float($0) }
    }
}
