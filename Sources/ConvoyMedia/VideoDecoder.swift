import CFFmpeg

/// A threaded decoder for one video stream of an `InputFile`.
public final class VideoDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    /// The stream's time base: frame timestamps are in it.
    public let timeBase: AVRational
    /// The guessed frame rate (for the encoder's rate control), or nil.
    public let frameRate: AVRational?
    /// The colour description from the stream's parameters.
    public let color: ColorProperties
    private let input: String

    /// Opens a decoder for `input`'s primary video stream with `threads` threads (0 = FFmpeg decides).
    public init(input: InputFile, threads: Int) throws {
        self.input = input.name
        let stream = input.stream(input.videoStreamIndex)
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError.noDecoder(input: input.name, codec: String(cString: avcodec_get_name(parameters.pointee.codec_id)))
        }
        guard let allocated = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = allocated
        timeBase = stream.pointee.time_base
        let rate = av_guess_frame_rate(input.context, stream, nil)
        frameRate = rate.num > 0 && rate.den > 0 ? rate : nil
        color = ColorProperties(parameters)
        try check(avcodec_parameters_to_context(allocated, parameters), "avcodec_parameters_to_context")
        allocated.pointee.pkt_timebase = stream.pointee.time_base
        allocated.pointee.thread_count = Int32(threads)
        allocated.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        try check(avcodec_open2(allocated, codec, nil), "avcodec_open2")
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&pointer)
    }

    public var width: Int { Int(context.pointee.width) }
    public var height: Int { Int(context.pointee.height) }
    public var pixelFormat: AVPixelFormat { context.pointee.pix_fmt }
    public var sampleAspectRatio: AVRational { context.pointee.sample_aspect_ratio }

    /// Sends one packet (or nil to start draining at the end of the stream).
    public func send(_ packet: Packet?) throws {
        let code = avcodec_send_packet(context, packet?.pointer)
        if code == convoy_averror_eof() { return }
        try check(code, "avcodec_send_packet")
    }

    /// Takes the next decoded frame, if one is ready.
    public func receive() throws -> DecodeStep {
        let frame = Frame()
        let code = avcodec_receive_frame(context, frame.pointer)
        if code == convoy_averror_eagain() { return .needsInput }
        if code == convoy_averror_eof() { return .endOfStream }
        try check(code, "avcodec_receive_frame")
        return .frame(frame)
    }
}
