import CFFmpeg

/// A description of one stream of an input, as `convoy probe` prints it.
public struct StreamInfo: Sendable {
    public enum Kind: String, Sendable { case video, audio, subtitle, data, attachment, unknown }

    public var index: Int
    public var kind: Kind
    public var codecName: String
    public var timeBase: (num: Int32, den: Int32)
    /// Duration in seconds, when the container states it.
    public var duration: Double?
    /// The container's frame (or packet) count; 0 when it does not say.
    public var declaredFrameCount: Int
    // Video only.
    public var width: Int = 0
    public var height: Int = 0
    public var pixelFormatName: String = ""
    public var frameRate: Double?
    public var color = ColorProperties()
    /// Clockwise rotation in degrees a player applies to show the frames upright.
    public var rotation: Double = 0
    // Audio only.
    public var sampleRate: Int = 0
    public var channels: Int = 0

    init(stream: UnsafeMutablePointer<AVStream>, context: UnsafeMutablePointer<AVFormatContext>) {
        let parameters = stream.pointee.codecpar!
        index = Int(stream.pointee.index)
        switch parameters.pointee.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        case AVMEDIA_TYPE_DATA: kind = .data
        case AVMEDIA_TYPE_ATTACHMENT: kind = .attachment
        default: kind = .unknown
        }
        codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        timeBase = (stream.pointee.time_base.num, stream.pointee.time_base.den)
        let tb = stream.pointee.time_base
        if stream.pointee.duration != convoy_nopts_value(), tb.den != 0 {
            duration = Double(stream.pointee.duration) * Double(tb.num) / Double(tb.den)
        } else if context.pointee.duration != convoy_nopts_value(), context.pointee.duration > 0 {
            duration = Double(context.pointee.duration) / Double(AV_TIME_BASE)
        }
        declaredFrameCount = Int(stream.pointee.nb_frames)
        if kind == .video {
            width = Int(parameters.pointee.width)
            height = Int(parameters.pointee.height)
            let format = AVPixelFormat(rawValue: parameters.pointee.format)
            pixelFormatName = av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
            let rate = av_guess_frame_rate(context, stream, nil)
            if rate.num > 0, rate.den > 0 { frameRate = Double(rate.num) / Double(rate.den) }
            color = ColorProperties(parameters)
            if let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nil) {
                let angle = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
                // av_display_rotation_get is counter-clockwise; players rotate clockwise by its negation.
                if angle.isFinite {
                    var degrees = -angle
                    degrees -= 360 * (degrees / 360).rounded(.down)
                    rotation = degrees
                }
            }
        } else if kind == .audio {
            sampleRate = Int(parameters.pointee.sample_rate)
            channels = Int(parameters.pointee.ch_layout.nb_channels)
        }
    }
}
