import CFFmpeg

/// An owned `AVFrame`, freed when the wrapper goes away.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    public var width: Int { Int(pointer.pointee.width) }
    public var height: Int { Int(pointer.pointee.height) }
    public var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }

    /// The frame's presentation time in its stream's time base: the decoder's best estimate,
    /// as ffmpeg itself uses, or nil when there is none.
    public var bestEffortTimestamp: Int64? {
        let value = pointer.pointee.best_effort_timestamp
        return value == convoy_nopts_value() ? nil : value
    }

    /// How long the frame lasts in its stream's time base, as the packet it came from said (0 when
    /// unknown).
    public var duration: Int64 { pointer.pointee.pkt_duration }

    /// True when the decoder flagged the frame as damaged or had to conceal errors in it.
    public var isCorrupt: Bool {
        pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 || pointer.pointee.decode_error_flags != 0
    }

    public func unref() { av_frame_unref(pointer) }
}
