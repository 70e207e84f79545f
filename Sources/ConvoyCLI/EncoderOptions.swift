import ArgumentParser
import ConvoyMedia

/// How the video is encoded.
struct EncoderOptions: ParsableArguments {
    @Option(help: "The video encoder, as ffmpeg names it. The default is libx264.")
    var codec: String?

    @Option(help: "The constant rate factor for encoders that have one. The default is 20.")
    var crf: Double?

    @Option(help: "The encoder's speed preset for encoders that have one. The default is veryfast.")
    var preset: String?

    @Option(help: "The target bit rate in bits per second, such as 4000000 or 4M. It replaces the constant rate factor.")
    var bitrate: String?

    @Option(name: .customLong("pix-fmt"), help: "The output pixel format, as ffmpeg names it. The default is yuv420p when the encoder takes it.")
    var pixelFormat: String?

    func validate() throws {
        if let bitrate, EncoderOptions.parseBitrate(bitrate) == nil {
            throw ValidationError("The bit rate \"\(bitrate)\" is not a positive number of bits per second (suffixes k and M are allowed).")
        }
        if let crf, crf < 0 {
            throw ValidationError("The constant rate factor must not be negative.")
        }
    }

    /// The settings these options give, on top of `base` (a pipeline file's, or the defaults).
    func settings(over base: EncoderSettings? = nil) -> EncoderSettings {
        EncoderSettings(codec: codec ?? base?.codec,
                        crf: crf ?? (base?.usesDefaultRateControl == false ? base?.crf : nil),
                        preset: preset ?? (base?.usesDefaultRateControl == false ? base?.preset : nil),
                        bitrate: bitrate.flatMap(EncoderOptions.parseBitrate) ?? base?.bitrate,
                        pixelFormat: pixelFormat ?? base?.pixelFormat)
    }

    static func parseBitrate(_ text: String) -> Int? {
        var digits = Substring(text)
        var multiplier = 1.0
        switch text.last {
        case "k", "K": multiplier = 1e3; digits = digits.dropLast()
        case "m", "M": multiplier = 1e6; digits = digits.dropLast()
        default: break
        }
        guard let value = Double(digits), value > 0, value.isFinite else { return nil }
        return Int(value * multiplier)
    }
}
