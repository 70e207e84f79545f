import ConvoyMedia

/// Encodes working pictures into an output's video stream (stream 0): converts each to the
/// encoder's pixel format, stamps it with its source timestamp, and gives the packets the
/// durations some encoders leave at 0 (`PacketDurations`).
final class VideoStreamWriter {
    private let encoder: VideoEncoder
    private let output: OutputFile
    private let scaler: Scaler
    private let width: Int, height: Int
    private var durations = PacketDurations()
    /// The picture sent to the encoder, its buffer reused from frame to frame.
    private let frame = Frame()

    init(encoder: VideoEncoder, output: OutputFile, color: ColorProperties, width: Int, height: Int) {
        self.encoder = encoder
        self.output = output
        scaler = Scaler(color: color)
        self.width = width
        self.height = height
    }

    /// Encodes `picture` at `pts` (in the source stream's time base), lasting `duration`.
    func write(_ picture: PlanarImage, pts: Int64, duration: Int64) throws {
        try scaler.convert(picture, width: width, height: height, pixelFormat: encoder.pixelFormat, reusing: frame)
        frame.pointer.pointee.pts = pts
        durations.sent(pts: pts, duration: duration)
        try encoder.encode(frame, write: writePacket)
    }

    /// Drains the encoder.
    func flush() throws {
        try encoder.encode(nil, write: writePacket)
    }

    private func writePacket(_ packet: Packet) throws {
        if packet.pointer.pointee.duration <= 0 {
            packet.pointer.pointee.duration = durations.duration(for: packet.pointer.pointee.pts)
        }
        try output.write(packet, to: 0)
    }
}
