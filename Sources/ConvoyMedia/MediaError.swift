/// Problems with media the user handed Convoy, each a one-line message.
public enum MediaError: Error, CustomStringConvertible, Equatable {
    case noVideoStream(input: String)
    case noDecoder(input: String, codec: String)
    case unknownEncoder(String)
    case notVideoEncoder(String)
    case unsupportedPixelFormat(encoder: String, pixelFormat: String, supported: [String])
    case unknownPixelFormat(String)
    case unknownContainer(output: String)
    case unknownFormatName(String)
    case invalidEncoderOption(encoder: String, option: String, value: String)

    public var description: String {
        switch self {
        case .noVideoStream(let input):
            return "\(input): the input has no video stream."
        case .noDecoder(let input, let codec):
            return "\(input): this FFmpeg has no decoder for the video codec \(codec)."
        case .unknownEncoder(let name):
            return "\(name): this FFmpeg has no encoder of that name (see `ffmpeg -encoders`)."
        case .notVideoEncoder(let name):
            return "\(name): the encoder is not a video encoder."
        case .unsupportedPixelFormat(let encoder, let format, let supported):
            return "\(format): the encoder \(encoder) does not take this pixel format; it takes \(supported.joined(separator: ", "))."
        case .unknownPixelFormat(let name):
            return "\(name): unknown pixel format (see `ffmpeg -pix_fmts`)."
        case .unknownContainer(let output):
            return "\(output): cannot tell the container format from the name; give one with --format."
        case .unknownFormatName(let name):
            return "\(name): this FFmpeg has no muxer of that name (see `ffmpeg -muxers`)."
        case .invalidEncoderOption(let encoder, let option, let value):
            return "\(encoder): the encoder rejected \(option)=\(value)."
        }
    }
}
