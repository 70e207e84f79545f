import CFFmpeg
import ConvoyFiles
import Foundation

/// The muxer: a container written to a temporary file beside the target (a `StagedFile`) and
/// renamed onto it only by `finish()`, so a failed run leaves nothing behind. `-` writes to
/// standard output instead.
///
/// Packets may be written from several threads (video from the encoder stage, copied audio from
/// the decoder stage); a lock serialises them and libavformat interleaves by timestamp.
public final class OutputFile {
    /// The name the user gave (`-` for standard output).
    public let target: String
    /// Where bytes go until `finish()`: a hidden temporary beside the target, or `pipe:1`.
    public var temporaryPath: String { staged?.temporaryPath ?? (target == "-" ? "pipe:1" : target) }
    /// The temporary file and its rename; nil for standard output.
    private let staged: StagedFile?
    let context: UnsafeMutablePointer<AVFormatContext>
    private let lock = NSLock()
    private var started = false
    private var closed = false
    /// For each output stream: the time base its packets arrive in.
    private var sourceTimeBases: [AVRational] = []
    /// Input stream index → output stream index, for copied streams.
    private var copiedStreams: [Int: Int] = [:]

    /// The container used for `-` when no format is given: streamable and widely readable.
    public static let defaultStreamFormat = "matroska"

    /// Prepares a container for `target`, its format from `format` or else the target's extension.
    public init(target: String, format: String?) throws {
        self.target = target
        let isStdout = target == "-"
        let formatName = format ?? (isStdout ? OutputFile.defaultStreamFormat : nil)
        if let formatName, av_guess_format(formatName, nil, nil) == nil {
            throw MediaError.unknownFormatName(formatName)
        }
        var pointer: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_alloc_output_context2(&pointer, nil, formatName, isStdout ? nil : target)
        guard code >= 0, let allocated = pointer else { throw MediaError.unknownContainer(output: target) }
        context = allocated
        // A muxer that opens its own files (image2) is staged by `ImageStaging` instead.
        let opensOwnFiles = allocated.pointee.oformat.pointee.flags & AVFMT_NOFILE != 0
        staged = isStdout || opensOwnFiles ? nil : StagedFile(reserving: target)
    }

    deinit {
        if !closed { closeIO(removing: true) }
        avformat_free_context(context)
    }

    /// True when the container wants codec headers out of band (encoders must be told).
    public var wantsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// The encoder raw-picture containers need (`rawvideo` for rawvideo, `wrapped_avframe` for
    /// yuv4mpegpipe), or nil for containers of compressed video.
    public var rawPictureCodec: String? {
        let id = context.pointee.oformat.pointee.video_codec
        guard id == AV_CODEC_ID_RAWVIDEO || id == AV_CODEC_ID_WRAPPED_AVFRAME else { return nil }
        return avcodec_find_encoder(id).map { String(cString: $0.pointee.name) }
    }

    /// The encoder Convoy uses when no `--codec` is given, as ffmpeg chooses it: the codec an
    /// image muxer's extension names (png, mjpeg, tiff, bmp, …); libx264 for containers that take
    /// H.264 (mp4, mkv, mov, …); otherwise the container's own default video codec (gif for
    /// .gif, VP9 for .webm when this FFmpeg has libvpx-vp9, libwebp for .webp).
    public var defaultVideoEncoder: String {
        if let raw = rawPictureCodec { return raw }
        let format: UnsafePointer<AVOutputFormat> = context.pointee.oformat
        let name = formatName
        var id = format.pointee.video_codec
        if name == "image2" || name == "image2pipe" {
            id = av_guess_codec(format, nil, context.pointee.url, nil, AVMEDIA_TYPE_VIDEO)
        } else if avformat_query_codec(format, AV_CODEC_ID_H264, FF_COMPLIANCE_NORMAL) != 0, !["gif", "apng", "webp"].contains(name) {
            return EncoderSettings.defaultCodec
        }
        // libwebp_anim comes first for WebP; one picture (the usual case) wants plain libwebp.
        if id == AV_CODEC_ID_WEBP, avcodec_find_encoder_by_name("libwebp") != nil { return "libwebp" }
        guard id != AV_CODEC_ID_NONE, let encoder = avcodec_find_encoder(id) else { return EncoderSettings.defaultCodec }
        return String(cString: encoder.pointee.name)
    }

    /// The container's short name, e.g. `mp4`.
    public var formatName: String { String(cString: context.pointee.oformat.pointee.name) }

    /// Adds the encoded video stream; returns its index. `displayMatrix` (nine entries) is stored
    /// as the stream's display matrix, so players turn the picture as the source asked.
    @discardableResult
    public func addVideoStream(encoder: VideoEncoder, displayMatrix: [Int32]? = nil) throws -> Int {
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        if let displayMatrix {
            precondition(displayMatrix.count == 9, "a display matrix has nine entries")
            let bytes = 9 * MemoryLayout<Int32>.size
            guard let data = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, bytes) else {
                fatalError("av_stream_new_side_data: out of memory")
            }
            displayMatrix.withUnsafeBytes { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: bytes) }
        }
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, encoder.context), "avcodec_parameters_from_context")
        stream.pointee.time_base = encoder.timeBase
        stream.pointee.sample_aspect_ratio = encoder.context.pointee.sample_aspect_ratio
        // As ffmpeg does: containers derive default frame durations (mkv) from the average rate.
        let rate = encoder.context.pointee.framerate
        if rate.num > 0, rate.den > 0 { stream.pointee.avg_frame_rate = rate }
        sourceTimeBases.append(encoder.timeBase)
        return Int(stream.pointee.index)
    }

    /// Copies the parameters of `input`'s stream `index` so its packets can be written unchanged.
    /// Returns false (and adds nothing) when the container cannot hold that codec.
    public func addCopiedStream(from input: InputFile, index: Int) throws -> Bool {
        guard let stream = try addCopy(of: input, index: index) else { return false }
        copiedStreams[index] = stream
        return true
    }

    /// Adds a stream with the parameters, time base, disposition and metadata of `input`'s
    /// stream `index`, for packets written with `write(_:to:)` under the returned index; nil (and
    /// nothing added) when the container cannot hold that codec.
    public func addCopy(of input: InputFile, index: Int) throws -> Int? {
        let source = input.stream(index)
        let codecID = source.pointee.codecpar.pointee.codec_id
        // 1: it takes the codec; 0: it does not; < 0: it cannot say (mpegts), so ask whether it takes that kind of stream.
        let verdict = avformat_query_codec(context.pointee.oformat, codecID, FF_COMPLIANCE_NORMAL)
        if verdict == 0 || (verdict < 0 && av_guess_codec(context.pointee.oformat, nil, nil, nil, source.pointee.codecpar.pointee.codec_type) == AV_CODEC_ID_NONE) { return nil }
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        try check(avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar), "avcodec_parameters_copy")
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = source.pointee.time_base
        stream.pointee.disposition = source.pointee.disposition
        // As ffmpeg's stream copy does: the pixel shape (Matroska stores it on the stream) and
        // the average rate (its default frame duration).
        stream.pointee.sample_aspect_ratio = source.pointee.sample_aspect_ratio
        stream.pointee.avg_frame_rate = source.pointee.avg_frame_rate
        av_dict_copy(&stream.pointee.metadata, source.pointee.metadata, 0)
        sourceTimeBases.append(source.pointee.time_base)
        return Int(stream.pointee.index)
    }

    /// The output stream that carries copies of input stream `index`, if any.
    public func copiedStream(for index: Int) -> Int? { copiedStreams[index] }

    /// Opens the temporary file (or stdout) and writes the container header.
    public func start(metadataFrom input: InputFile? = nil) throws {
        if let input { av_dict_copy(&context.pointee.metadata, input.context.pointee.metadata, 0) }
        if context.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
            try check(avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE), "avio_open(\(target))")
        }
        do {
            try check(avformat_write_header(context, nil), "avformat_write_header")
        } catch {
            closeIO(removing: true)
            throw error
        }
        started = true
    }

    /// Writes one packet to output stream `streamIndex`, rescaling its timestamps from the time base
    /// it was made in.
    public func write(_ packet: Packet, to streamIndex: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        precondition(started && !closed, "write before start or after finish")
        let stream = context.pointee.streams[streamIndex]!
        packet.pointer.pointee.stream_index = Int32(streamIndex)
        av_packet_rescale_ts(packet.pointer, sourceTimeBases[streamIndex], stream.pointee.time_base)
        packet.pointer.pointee.pos = -1
        try check(av_interleaved_write_frame(context, packet.pointer), "av_interleaved_write_frame(\(target))")
        // This libavformat keeps a failed write (full disk, file-size limit) in the I/O context and
        // says so only at the trailer; look after every packet so a long run stops at once.
        if let pb = context.pointee.pb, pb.pointee.error < 0 {
            throw FFmpegError(code: pb.pointee.error, function: "avio_write(\(target))")
        }
    }

    /// Writes the trailer, closes the file and renames it onto the target.
    public func finish() throws {
        lock.lock()
        defer { lock.unlock() }
        precondition(started && !closed, "finish before start or twice")
        do {
            try check(av_write_trailer(context), "av_write_trailer(\(target))")
            if let pb = context.pointee.pb, pb.pointee.error < 0 {
                throw FFmpegError(code: pb.pointee.error, function: "avio_write(\(target))")
            }
        } catch {
            closeIO(removing: true)
            throw error
        }
        closeIO(removing: false)
        do {
            try staged?.commit()
        } catch let error as FileError {
            throw FFmpegError(code: convoy_averror(error.code ?? EIO), function: "rename(\(target))")
        }
    }

    /// Closes without finishing: the temporary file is removed and the target is untouched.
    public func discard() {
        lock.lock()
        defer { lock.unlock() }
        if !closed { closeIO(removing: true) }
    }

    private func closeIO(removing: Bool) {
        closed = true
        if context.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0, context.pointee.pb != nil {
            avio_closep(&context.pointee.pb)
        }
        if removing { staged?.discard() }
    }
}
