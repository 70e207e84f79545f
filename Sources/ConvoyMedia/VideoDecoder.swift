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
        width = Int(allocated.pointee.width)
        height = Int(allocated.pointee.height)
        pixelFormat = allocated.pointee.pix_fmt
        sampleAspectRatio = allocated.pointee.sample_aspect_ratio
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&pointer)
    }

    /// The picture size, pixel format and pixel shape the stream starts with, as the decoder was
    /// opened. They stay fixed when the stream changes mid-way (the context's own fields follow
    /// the change): later frames are scaled to them, as ffmpeg scales them for its encoder.
    /// (Set once the decoder is open; given a value before, so a failed open still frees it.)
    public private(set) var width = 0
    public private(set) var height = 0
    public private(set) var pixelFormat = AV_PIX_FMT_NONE
    public private(set) var sampleAspectRatio = AVRational(num: 0, den: 1)

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
