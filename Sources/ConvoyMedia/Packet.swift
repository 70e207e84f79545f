import CFFmpeg

/// An owned `AVPacket`, freed when the wrapper goes away.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    /// The index of the stream the packet belongs to.
    public var streamIndex: Int { Int(pointer.pointee.stream_index) }

    /// The payload's size in bytes.
    public var size: Int { Int(pointer.pointee.size) }

    /// The presentation timestamp in the time base of the stream the packet belongs to (or
    /// `AV_NOPTS_VALUE` when there is none, which `Timestamps.seconds` reads as 0).
    public var pts: Int64 { pointer.pointee.pts }

    /// Drops the packet's payload so the wrapper can be reused.
    public func unref() { av_packet_unref(pointer) }
}
