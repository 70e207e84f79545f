import CFFmpeg

/// A video output: the container (`OutputFile`, written through a temporary file renamed onto
/// the target by `finish()`), an encoder for its video stream (stream 0), and the input's other
/// streams copied as packets. The one output set-up every job that writes video uses.
///
/// Each picture is converted to the encoder's pixel format and stamped with its source timestamp;
/// packets get the durations some encoders leave at 0 (`PacketDurations`). Video is written from
/// one thread; copied packets may come from another (`OutputFile` serialises them).
public final class VideoWriter {
    /// The container: its name, format, and where copied streams went.
    private let output: OutputFile
    private let encoder: VideoEncoder
    private let scaler: Scaler
    private let width: Int, height: Int
    private var durations = PacketDurations()
    /// The picture sent to the encoder, its buffer reused from frame to frame.
    private let frame = Frame()
    private var flushed = false
    /// The input's streams the container could not take, which are left out.
    public private(set) var leftOutStreams: [StreamInfo] = []
    /// For image outputs: the staging folder the pictures wait in until `finish()`.
    private let staging: ImageStaging?

    /// Creates `target` (`-`: standard output) in `format` (or the format its extension names),
    /// with an encoder for `picture` made by `settings` (for raw-picture containers such as y4m, the
    /// container's own raw codec unless a codec was given), `displayMatrix` stored on the video
    /// stream when given, and `copying` streams of `input` (when there is one) copied beside it;
    /// then writes the header, with `input`'s metadata.
    ///
    /// With `image`, `target` is ignored: the pictures go to the files `image` names, through a
    /// staging folder (`ImageStaging`) and the image2 muxer, with no other streams. Without
    /// `settings.codecWasGiven`, the encoder follows the container (`OutputFile.defaultVideoEncoder`).
    ///
    /// - Throws: `MediaError` for names and options FFmpeg does not know, `FFmpegError` when the
    ///   encoder or the file cannot be opened.
    public init(target: String, format: String?, settings: EncoderSettings, picture: VideoEncoder.Picture,
                displayMatrix: [Int32]? = nil, input: InputFile? = nil, copying: CopiedStreams = .all,
                image: ImageOutput? = nil) throws {
        let staging = try image.map { try ImageStaging(output: $0) }
        self.staging = staging
        output = try OutputFile(target: staging?.pattern ?? target, format: staging == nil ? format : "image2")
        var settings = settings
        if !settings.codecWasGiven {
            settings.codec = output.defaultVideoEncoder
            if output.rawPictureCodec != nil {
                settings = EncoderSettings(codec: settings.codec, pixelFormat: settings.pixelFormat, threads: settings.threads)
            }
        }
        encoder = try VideoEncoder(settings: settings, picture: picture, globalHeader: output.wantsGlobalHeader)
        try output.addVideoStream(encoder: encoder, displayMatrix: displayMatrix)
        for stream in input?.streams ?? [] where stream.index != input?.videoStreamIndex && staging == nil {
            guard copying == .all || copying == .audio && stream.kind == .audio, let input else { continue }
            if try !output.addCopiedStream(from: input, index: stream.index) { leftOutStreams.append(stream) }
        }
        try output.start(metadataFrom: input)
        scaler = Scaler(color: picture.color)
        width = picture.width
        height = picture.height
    }

    /// The container's short name, e.g. `mp4`.
    public var formatName: String { output.formatName }

    /// The encoder's name and the pixel format it takes the pictures in.
    public var codecName: String { encoder.settings.codec }
    public var pixelFormat: AVPixelFormat { encoder.pixelFormat }

    /// True when the container can store a display matrix: of FFmpeg 5.1's muxers, only the ISO
    /// family (mov, mp4, …) does.
    public var storesDisplayMatrix: Bool {
        ["mov", "mp4", "ipod", "ismv", "3gp", "3g2", "psp", "f4v"].contains(formatName)
    }

    /// Encodes `picture` at its timestamp (in the source stream's time base; 0 when it has none),
    /// lasting its duration.
    public func write(_ picture: PlanarImage) throws {
        let pts = picture.timestamp ?? 0
        try staging?.willWrite(sourceIndex: picture.index)
        try scaler.convert(picture, width: width, height: height, pixelFormat: encoder.pixelFormat, reusing: frame)
        frame.pointer.pointee.pts = pts
        frame.pointer.pointee.quality = encoder.frameQuality
        durations.sent(pts: pts, duration: picture.duration)
        try encoder.encode(frame, write: writeVideoPacket)
    }

    /// Writes `packet` of the input unchanged when the output carries a copy of its stream;
    /// returns whether it did.
    @discardableResult
    public func copy(_ packet: Packet) throws -> Bool {
        guard let target = output.copiedStream(for: packet.streamIndex) else { return false }
        try output.write(packet, to: target)
        return true
    }

    /// Drains the encoder: the last packets are written. `finish()` does it too when it has not
    /// been done.
    public func flush() throws {
        guard !flushed else { return }
        flushed = true
        try encoder.encode(nil, write: writeVideoPacket)
    }

    /// Drains the encoder, writes the trailer and renames the file onto the target. On failure
    /// the temporary file is removed and the target is untouched.
    public func finish() throws {
        do {
            try flush()
        } catch {
            output.discard()
            throw error
        }
        do {
            try output.finish()
        } catch {
            staging?.discard()
            throw error
        }
        try staging?.finish()
    }

    /// Closes without finishing: the temporary file is removed and the target is untouched.
    public func discard() {
        output.discard()
        staging?.discard()
    }

    private func writeVideoPacket(_ packet: Packet) throws {
        if packet.pointer.pointee.duration <= 0 {
            packet.pointer.pointee.duration = durations.duration(for: packet.pointer.pointee.pts)
        }
        try output.write(packet, to: 0)
    }
}
