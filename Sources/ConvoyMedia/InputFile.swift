import CFFmpeg

/// An opened input (file, URL, or `-` for a container on standard input) and its streams.
///
/// The demuxer reads packets of every stream in file order; Convoy decodes the primary video stream
/// and copies the rest.
public final class InputFile {
    /// The name the user gave, used in messages.
    public let name: String
    let context: UnsafeMutablePointer<AVFormatContext>
    /// Descriptions of all streams, in file order.
    public let streams: [StreamInfo]
    /// The index of the stream Convoy filters (FFmpeg's "best" video stream).
    public let videoStreamIndex: Int

    /// Opens `name` (`-` means standard input) and reads enough to describe its streams. With
    /// `raw`, the input is headerless frames of that size, pixel format and rate. `startNumber`
    /// is the first number of an image sequence pattern (`img%03d.png`; ffmpeg's `-start_number`),
    /// which is otherwise found among 0…4 as ffmpeg finds it.
    public init(_ name: String, raw: RawVideoFormat? = nil, startNumber: Int? = nil) throws {
        self.name = name
        var pointer: UnsafeMutablePointer<AVFormatContext>? = nil
        let url = name == "-" ? "pipe:0" : name
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        var format: UnsafePointer<AVInputFormat>? = nil
        if let raw {
            format = av_find_input_format("rawvideo")
            av_dict_set(&options, "video_size", "\(raw.width)x\(raw.height)", 0)
            av_dict_set(&options, "pixel_format", raw.pixelFormat, 0)
            av_dict_set(&options, "framerate", "\(raw.rate.num)/\(raw.rate.den)", 0)
        }
        if let startNumber { av_dict_set(&options, "start_number", String(startNumber), 0) }
        try check(avformat_open_input(&pointer, url, format, &options), "avformat_open_input")
        guard let opened = pointer else { throw FFmpegError(code: convoy_averror(ENOMEM), function: "avformat_open_input") }
        context = opened
        do {
            try check(avformat_find_stream_info(opened, nil), "avformat_find_stream_info")
        } catch {
            avformat_close_input(&pointer)
            throw error
        }
        let count = Int(opened.pointee.nb_streams)
        streams = (0..<count).map { StreamInfo(stream: opened.pointee.streams[$0]!, context: opened) }
        let best = av_find_best_stream(opened, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard best >= 0 else {
            avformat_close_input(&pointer)
            throw MediaError.noVideoStream(input: name)
        }
        videoStreamIndex = Int(best)
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&pointer)
    }

    /// The container's name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var formatName: String { String(cString: context.pointee.iformat.pointee.name) }

    /// Duration of the whole input in seconds, when known.
    public var duration: Double? {
        let value = context.pointee.duration
        return value == convoy_nopts_value() || value <= 0 ? nil : Double(value) / Double(AV_TIME_BASE)
    }

    /// The primary video stream's description.
    public var video: StreamInfo { streams[videoStreamIndex] }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }

    /// The primary video stream's display matrix (nine row-major fixed-point numbers: how the
    /// stored picture is to be turned for display), or nil when the stream has none.
    public var videoDisplayMatrix: [Int32]? {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream(videoStreamIndex), AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return nil }
        return UnsafeRawPointer(data).withMemoryRebound(to: Int32.self, capacity: 9) { Array(UnsafeBufferPointer(start: $0, count: 9)) }
    }

    /// Moves the demuxer to the last keyframe of the video stream at or before decoding time
    /// `timestamp` (the stream's time base), or to the start of the input when `timestamp` is nil.
    /// Where the container's index is coarse the demuxer may land earlier; callers skip packets
    /// up to the one they want.
    public func seekVideo(toDecodingTime timestamp: Int64?) throws {
        if let timestamp {
            try check(av_seek_frame(context, Int32(videoStreamIndex), timestamp, AVSEEK_FLAG_BACKWARD), "av_seek_frame")
        } else {
            try check(avformat_seek_file(context, -1, Int64.min, Int64.min, Int64.min, 0), "avformat_seek_file")
        }
    }

    /// Reads the next packet of any stream into `packet`; false at the end of the input.
    public func read(into packet: Packet) throws -> Bool {
        packet.unref()
        let code = av_read_frame(context, packet.pointer)
        if code == convoy_averror_eof() { return false }
        try check(code, "av_read_frame")
        return true
    }
}
