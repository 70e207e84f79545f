import ConvoyMedia
import Foundation

/// What `convoy probe` prints: the container, each stream, and the video's frame count.
public struct ProbeReport {
    public let input: String
    public let format: String
    public let duration: Double?
    public let streams: [StreamInfo]
    public let videoStreamIndex: Int
    /// Frames counted by decoding (when asked, or when the container does not say).
    public let decodedFrameCount: Int?

    /// Opens `input` and describes it; `countFrames` decodes the video to count its frames even
    /// when the container states a count.
    public init(input: String, countFrames: Bool) throws {
        let file: InputFile
        do { file = try InputFile(input) } catch { throw MediaErrors.input(error, name: input) }
        self.input = input
        format = file.formatName
        duration = file.duration
        streams = file.streams
        videoStreamIndex = file.videoStreamIndex
        if countFrames || file.video.declaredFrameCount == 0 {
            do { decodedFrameCount = try VideoReader(input: file, threads: 0).countFrames() } catch { throw MediaErrors.input(error, name: input) }
        } else {
            decodedFrameCount = nil
        }
    }

    /// The video's frame count: decoded when available, else the container's.
    public var frameCount: Int { decodedFrameCount ?? streams[videoStreamIndex].declaredFrameCount }

    /// The human-readable report.
    public var text: String {
        var lines = ["\(input): \(format), duration \(duration.map { String(format: "%.3f s", $0) } ?? "unknown")"]
        for stream in streams {
            var line = "  stream \(stream.index): \(stream.kind.rawValue), \(stream.codecName)"
            switch stream.kind {
            case .video:
                line += ", \(stream.width)x\(stream.height), \(stream.pixelFormatName)"
                line += ", \(stream.frameRate.map { String(format: "%.3f fps", $0) } ?? "unknown frame rate")"
                line += ", \(stream.color.summary), rotation \(ProbeReport.number(stream.rotation))°"
                if stream.index == videoStreamIndex {
                    let counted = decodedFrameCount.map { "\($0) (counted by decoding)" }
                    line += ", frames \(counted ?? "\(stream.declaredFrameCount) (from the container)")"
                }
            case .audio:
                line += ", \(stream.sampleRate) Hz, \(stream.channels) channels"
            default:
                break
            }
            if let duration = stream.duration { line += String(format: ", %.3f s", duration) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
