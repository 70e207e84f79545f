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
    /// An image output's staging folder (or its output folder) cannot be made, or a picture not moved.
    case cannotStage(output: String, reason: String)
    /// A one-picture output (`out.png`) was given a second picture.
    case singlePictureOutput(output: String)
    /// Two pictures of a folder output would get the same name.
    case duplicateOutputName(output: String)
    /// A picture's name is one of the input's files.
    case outputIsInput(output: String)
    /// A picture's name exists and `-y` was not given.
    case outputExists(output: String)
    /// The input cannot be indexed or cut into segments exactly.
    case cannotIndex(input: String, reason: String)
    /// A segment's decoding did not give the frames its plan says it holds.
    case segmentMismatch(input: String, segment: Int, reason: String)

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
        case .cannotStage(let output, let reason):
            return "\(output): cannot create the output (\(reason))."
        case .singlePictureOutput(let output):
            return "\(output): one picture goes into this name, but the input has more; write a sequence (out%03d.png), a folder (-o dir/) or a video."
        case .duplicateOutputName(let output):
            return "\(output): two input pictures would get this name; nothing was written."
        case .outputIsInput(let output):
            return "\(output): the output is an input file; Convoy never writes over its input."
        case .outputExists(let output):
            return "\(output): the file exists; add -y to replace it (nothing was written)."
        case .cannotIndex(let input, let reason):
            return "\(input): cannot be cut into segments exactly: \(reason)."
        case .segmentMismatch(let input, let segment, let reason):
            return "\(input): segment \(segment) does not decode as its plan says: \(reason)."
        }
    }
}
