import ArgumentParser
import ConvoyMedia

/// How the video is encoded.
struct EncoderOptions: ParsableArguments {
    @Option(help: "The video encoder, as ffmpeg names it. By default it follows the output as ffmpeg chooses: png, mjpeg (full range) for .jpg, tiff, bmp, libwebp, gif, VP9 for .webm, and libx264 for mp4, mkv, mov and other video containers.")
    var codec: String?

    @Option(help: "The constant rate factor for encoders that have one. The default is 20.")
    var crf: Double?

    @Option(help: "The encoder's speed preset for encoders that have one. The default is veryfast.")
    var preset: String?

    @Option(help: "The target bit rate in bits per second, such as 4000000 or 4M. It replaces the constant rate factor.")
    var bitrate: String?

    @Option(name: .customLong("pix-fmt"), help: "The output pixel format, as ffmpeg names it. By default: yuv420p for video encoders that take it and 8-bit sources, else the encoder's format closest to the source (rgb24, rgba or rgb48be for PNG; yuvj420p or yuvj444p for JPEG).")
    var pixelFormat: String?

    @Option(help: "The picture quality from 1 to 100 (higher is better) for JPEG and WebP. JPEG's default is 97 (ffmpeg's -q:v 2); 100 is -q:v 1 and 1 is -q:v 31.")
    var quality: Int?

    func validate() throws {
        if let bitrate, EncoderOptions.parseBitrate(bitrate) == nil {
            throw ValidationError("The bit rate \"\(bitrate)\" is not a positive number of bits per second (suffixes k and M are allowed).")
        }
        if let quality, !(1...100).contains(quality) {
            throw ValidationError("The quality must be between 1 and 100.")
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
                        pixelFormat: pixelFormat ?? base?.pixelFormat, quality: quality ?? base?.quality)
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
