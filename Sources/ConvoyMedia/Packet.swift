import CFFmpeg

/// An owned `AVPacket`, freed when the wrapper goes away.
public final class Packet {
    public let pointer: UnsafeMutablePointer<AVPacket>

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

    /// Drops the packet's payload so the wrapper can be reused.
    public func unref() { av_packet_unref(pointer) }
}
