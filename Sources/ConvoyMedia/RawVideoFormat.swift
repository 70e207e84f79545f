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

    /// The largest width or height accepted.
    public static let maximumSide = 16384

    /// Parses `WIDTHxHEIGHT:PIXFMT@RATE`; the rate may be omitted (25, as ffmpeg assumes).
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> ParseError { ParseError(text: Self.printable(text.prefix(80)), reason: reason) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let atSplit = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let main = atSplit[0]
        let colon = main.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard colon.count == 2 else { throw fail("expected WIDTHxHEIGHT:PIXFMT@RATE, such as 1920x1080:rgb24@30.") }
        let size = colon[0].lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]) else {
            throw fail("the size must be WIDTHxHEIGHT, such as 1920x1080.")
        }
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw fail("a \(width)x\(height) frame is outside Convoy's limits: width and height must be between 1 and \(Self.maximumSide).")
        }
        let format = String(colon[1])
        // FFmpeg's names are lower-case letters, digits and `_`; anything else (a NUL would end
        // the name early for FFmpeg) is not one.
        let isName = !format.isEmpty && format.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isLowercase || ("0"..."9").contains($0)) }
        let formatID = isName ? av_get_pix_fmt(format) : AV_PIX_FMT_NONE
        guard formatID != AV_PIX_FMT_NONE else {
            throw fail("\"\(Self.printable(format.prefix(40)))\" is not a pixel format FFmpeg knows (see `ffmpeg -pix_fmts`).")
        }
        guard av_image_check_size(UInt32(width), UInt32(height), 0, nil) == 0 else {
            throw fail("a \(width)x\(height) frame is larger than FFmpeg accepts: (width + 128) × (height + 128) must be under \(Int32.max / 8).")
        }
        guard av_image_get_buffer_size(formatID, Int32(width), Int32(height), 1) > 0 else {
            let bits = av_pix_fmt_desc_get(formatID).map { Int(av_get_padded_bits_per_pixel($0)) } ?? 0
            let bytes = bits > 0 ? " takes \(width * height * bits / 8) bytes, more than FFmpeg's limit of \(Int32.max) for one frame" : " cannot be stored as raw frames"
            throw fail("a \(width)x\(height) \(format) frame\(bytes).")
        }
        var rate: (Int32, Int32) = (25, 1)
        if atSplit.count == 2 {
            let rateText = atSplit[1]
            let parts = rateText.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, let num = Int32(parts[0]), let den = Int32(parts[1]), num > 0, den > 0, num <= 1_000_000, den <= 1_000_000 {
                rate = (num, den)
            } else if parts.count == 1, let value = Double(rateText), value.isFinite, value >= 0.001, value <= 1000 {
                let scaled = (value * 1000).rounded()
                rate = scaled.truncatingRemainder(dividingBy: 1000) == 0 ? (Int32(value.rounded()), 1) : (Int32(scaled), 1000)
            } else {
                throw fail("the frame rate must be a number from 0.001 to 1000 or a positive fraction, such as 30 or 30000/1001.")
            }
        }
        self.width = width
        self.height = height
        pixelFormat = format
        self.rate = rate
    }

    /// `text` with control characters written as `\u{…}` escapes, so that a message quoting it
    /// stays on one line.
    static func printable(_ text: Substring) -> String {
        text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }

    /// Bytes of one frame (positive: parsing refuses a frame FFmpeg cannot size).
    public var frameSize: Int {
        Int(av_image_get_buffer_size(av_get_pix_fmt(pixelFormat), Int32(width), Int32(height), 1))
    }
}
