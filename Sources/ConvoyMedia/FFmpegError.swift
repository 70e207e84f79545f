import CFFmpeg

/// A failed libav call: the return code, FFmpeg's own text for it and the function that failed.
public struct FFmpegError: Error, CustomStringConvertible, Equatable {
    /// The negative AVERROR code the call returned.
    public let code: Int32
    /// The libav function (or Convoy operation) that failed.
    public let function: String
    /// FFmpeg's description of `code`, from `av_strerror`.
    public var reason: String { FFmpegError.text(for: code) }

    public init(code: Int32, function: String) {
        self.code = code
        self.function = function
    }

    public var description: String { "\(function) failed: \(reason)" }

    /// True when the code is ENOENT (the file does not exist).
    public var isMissingFile: Bool { code == convoy_averror(ENOENT) }

    /// True when a write failed for want of room: the disk or a quota is full (ENOSPC, EDQUOT), or
    /// the file outgrew the process's size limit (EFBIG, `ulimit -f`).
    public var isOutOfSpace: Bool { [ENOSPC, EDQUOT, EFBIG].contains { code == convoy_averror($0) } }

    /// FFmpeg's text for an error code.
    public static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(convoy_error_buffer_size()))
        if av_strerror(code, &buffer, buffer.count) < 0 {
            return "error \(code)"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Passes a libav return code through, throwing `FFmpegError` when it is negative.
///
/// Every libav call whose failure is the world's doing goes through this one helper.
@discardableResult
func check(_ code: Int32, _ function: String) throws -> Int32 {
    if code < 0 { throw FFmpegError(code: code, function: function) }
    return code
}
