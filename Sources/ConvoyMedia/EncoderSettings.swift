/// How the filtered video is encoded. Defaults match Convoy's promise: libx264, CRF 20, preset
/// veryfast, yuv420p.
public struct EncoderSettings: Equatable, Sendable {
    /// An FFmpeg encoder name (`ffmpeg -encoders`).
    public var codec: String
    /// Constant rate factor, for encoders that have one (x264, x265, VP9, AV1…).
    public var crf: Double?
    /// Speed preset, for encoders that have one.
    public var preset: String?
    /// Target bit rate in bits per second; overrides the CRF when given.
    public var bitrate: Int?
    /// Output pixel format name; nil picks yuv420p when the encoder takes it, else its first format.
    public var pixelFormat: String?
    /// Picture quality 1…100 (higher is better) for JPEG (mapped onto its quantiser scale 31…1)
    /// and encoders with a `quality` option (libwebp); nil: `defaultQuality` for JPEG, the
    /// encoder's own default elsewhere.
    public var quality: Int?
    /// Encoder threads (0 lets FFmpeg decide).
    public var threads: Int
    /// Close every GOP (`AV_CODEC_FLAG_CLOSED_GOP`, ffmpeg's `-flags +cgop`): no picture refers
    /// across a keyframe, so parts encoded apart can be joined by stream copy.
    public var closedGOP = false

    /// True when `crf` and `preset` were left at Convoy's defaults, which are dropped silently for
    /// encoders that do not know them; values the user gave are an error on such encoders.
    public var usesDefaultRateControl: Bool
    /// True when the codec was chosen by the user rather than left to follow the container.
    public var codecWasGiven: Bool

    public static let defaultCodec = "libx264"
    public static let defaultCRF = 20.0
    public static let defaultPreset = "veryfast"
    /// JPEG's default quality: quantiser scale 2, what ffmpeg users ask for with `-q:v 2`.
    public static let defaultQuality = 97

    public init(codec: String? = nil, crf: Double? = nil, preset: String? = nil, bitrate: Int? = nil,
                pixelFormat: String? = nil, quality: Int? = nil, threads: Int = 0) {
        self.codec = codec ?? EncoderSettings.defaultCodec
        codecWasGiven = codec != nil
        usesDefaultRateControl = crf == nil && preset == nil
        self.crf = crf ?? (bitrate == nil ? EncoderSettings.defaultCRF : nil)
        self.preset = preset ?? EncoderSettings.defaultPreset
        self.bitrate = bitrate
        self.pixelFormat = pixelFormat
        self.quality = quality
        self.threads = threads
    }
}
