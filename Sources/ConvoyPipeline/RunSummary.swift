import Foundation

/// What a run did, for the closing line on stderr and for scripts.
public struct RunSummary: Codable, Equatable, Sendable {
    /// Frames that came out of the decoder.
    public var framesDecoded: Int
    /// Frames that went through the filter.
    public var framesProcessed: Int
    /// Frames handed to the encoder.
    public var framesWritten: Int
    /// Packets the decoder rejected as damaged (skipped, as ffmpeg skips them).
    public var decodeErrors: Int
    /// Frames the decoder produced but marked as damaged (errors concealed); they are processed.
    public var framesDamaged: Int
    /// Packets of audio and other streams copied unchanged.
    public var packetsCopied: Int
    /// True when reading the input failed before its end (a truncated or damaged file); the output
    /// then holds the frames decoded before that point.
    public var inputEndedEarly: Bool
    /// True when Ctrl-C or SIGTERM stopped the run early.
    public var interrupted: Bool
    /// Wall-clock seconds.
    public var seconds: Double

    public var framesPerSecond: Double { seconds > 0 ? Double(framesWritten) / seconds : 0 }

    enum CodingKeys: String, CodingKey {
        case framesDecoded = "frames_decoded", framesProcessed = "frames_processed", framesWritten = "frames_written"
        case decodeErrors = "decode_errors", framesDamaged = "frames_damaged", packetsCopied = "packets_copied"
        case inputEndedEarly = "input_ended_early", interrupted, seconds
    }

    /// The summary as one line of JSON (snake_case keys, plus `fps`), for `--summary json`.
    public var jsonLine: String {
        var object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(self))) as? [String: Any] ?? [:]
        object["fps"] = (framesPerSecond * 100).rounded() / 100
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
