import CFFmpeg

/// What raw frames on standard input look like (`--raw 1920x1080:rgb24@30`): size, pixel format
/// and frame rate, since raw video carries no header.
public struct RawVideoFormat: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// An FFmpeg pixel format name, e.g. `rgb24`, `yuv420p`, `gray16le`.
    public var pixelFormat: String
    /// Frames per second as a fraction (`30`, `29.97` and `30000/1001` are all accepted).
    public var rate: (num: Int32, den: Int32)

    public static func == (a: RawVideoFormat, b: RawVideoFormat) -> Bool {
        a.width == b.width && a.height == b.height && a.pixelFormat == b.pixelFormat && a.rate == b.rate
    }

    /// Why a `--raw` value was refused.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let text: String
        public let reason: String
        public var description: String { "--raw \"\(text)\": \(reason)" }
    }

    /// Parses `WIDTHxHEIGHT:PIXFMT@RATE`; the rate may be omitted (25, as ffmpeg assumes).
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> ParseError { ParseError(text: String(text.prefix(80)), reason: reason) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let atSplit = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let main = atSplit[0]
        let colon = main.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard colon.count == 2 else { throw fail("expected WIDTHxHEIGHT:PIXFMT@RATE, such as 1920x1080:rgb24@30.") }
        let size = colon[0].lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]) else {
            throw fail("the size must be WIDTHxHEIGHT, such as 1920x1080.")
        }
        guard (1...16384).contains(width), (1...16384).contains(height) else {
            throw fail("width and height must be between 1 and 16384.")
        }
        let format = String(colon[1])
        guard !format.isEmpty, av_get_pix_fmt(format) != AV_PIX_FMT_NONE else {
            throw fail("\"\(format.prefix(40))\" is not a pixel format FFmpeg knows (see `ffmpeg -pix_fmts`).")
        }
        var rate: (Int32, Int32) = (25, 1)
        if atSplit.count == 2 {
            let rateText = atSplit[1]
            let parts = rateText.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, let num = Int32(parts[0]), let den = Int32(parts[1]), num > 0, den > 0, num <= 1_000_000, den <= 1_000_000 {
                rate = (num, den)
            } else if parts.count == 1, let value = Double(rateText), value.isFinite, value > 0, value <= 1000 {
                let scaled = (value * 1000).rounded()
                rate = scaled.truncatingRemainder(dividingBy: 1000) == 0 ? (Int32(value.rounded()), 1) : (Int32(scaled), 1000)
            } else {
                throw fail("the frame rate must be a positive number or fraction up to 1000, such as 30 or 30000/1001.")
            }
        }
        self.width = width
        self.height = height
        pixelFormat = format
        self.rate = rate
    }

    /// Bytes of one frame.
    public var frameSize: Int {
        Int(av_image_get_buffer_size(av_get_pix_fmt(pixelFormat), Int32(width), Int32(height), 1))
    }
}
