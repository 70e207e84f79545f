import CFFmpeg

/// An opened video encoder. Frames go in with their source timestamps, packets come out.
public final class VideoEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    public let settings: EncoderSettings
    /// The pixel format frames must have when they reach `send`.
    public let pixelFormat: AVPixelFormat

    /// Describes the picture the encoder receives and how its timestamps run.
    public struct Picture {
        public var width: Int
        public var height: Int
        public var timeBase: AVRational
        public var frameRate: AVRational?
        public var color: ColorProperties
        public var sampleAspectRatio: AVRational
        /// The decoded source's pixel format: when no pixel format is asked for and the source has
        /// more than 8 bits per sample, the encoder keeps that depth if it can.
        public var sourcePixelFormat: AVPixelFormat?

        public init(width: Int, height: Int, timeBase: AVRational, frameRate: AVRational?, color: ColorProperties,
                    sampleAspectRatio: AVRational = AVRational(num: 0, den: 1), sourcePixelFormat: AVPixelFormat? = nil) {
            self.sourcePixelFormat = sourcePixelFormat
            self.width = width
            self.height = height
            self.timeBase = timeBase
            self.frameRate = frameRate
            self.color = color
            self.sampleAspectRatio = sampleAspectRatio
        }

        /// Pictures at a constant `framesPerSecond`, timestamped in frames (time base 1/rate).
        public init(width: Int, height: Int, framesPerSecond: Int32, color: ColorProperties) {
            self.init(width: width, height: height, timeBase: AVRational(num: 1, den: framesPerSecond),
                      frameRate: AVRational(num: framesPerSecond, den: 1), color: color)
        }
    }

    /// Finds and opens the encoder. `globalHeader` is set when the container wants codec
    /// headers out of band (mp4, mkv).
    public init(settings: EncoderSettings, picture: Picture, globalHeader: Bool) throws {
        self.settings = settings
        guard let codec = avcodec_find_encoder_by_name(settings.codec) else {
            throw MediaError.unknownEncoder(settings.codec)
        }
        guard codec.pointee.type == AVMEDIA_TYPE_VIDEO else { throw MediaError.notVideoEncoder(settings.codec) }
        pixelFormat = try VideoEncoder.choosePixelFormat(codec: codec, requested: settings.pixelFormat, name: settings.codec,
                                                         source: picture.sourcePixelFormat)
        let fullRange = Scaler.isRGB(pixelFormat) || Scaler.isFullRangeYUV(pixelFormat)
        guard let allocated = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = allocated
        allocated.pointee.width = Int32(picture.width)
        allocated.pointee.height = Int32(picture.height)
        allocated.pointee.pix_fmt = pixelFormat
        allocated.pointee.time_base = picture.timeBase
        if let rate = picture.frameRate { allocated.pointee.framerate = rate }
        allocated.pointee.sample_aspect_ratio = picture.sampleAspectRatio
        allocated.pointee.color_range = fullRange ? AVCOL_RANGE_JPEG : picture.color.range
        allocated.pointee.colorspace = Scaler.isRGB(pixelFormat) ? AVCOL_SPC_RGB : picture.color.space
        allocated.pointee.color_primaries = picture.color.primaries
        allocated.pointee.color_trc = picture.color.transfer
        allocated.pointee.thread_count = Int32(settings.threads)
        if globalHeader { allocated.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        if settings.closedGOP { allocated.pointee.flags |= Int32(bitPattern: AV_CODEC_FLAG_CLOSED_GOP) }
        if let bitrate = settings.bitrate { allocated.pointee.bit_rate = Int64(bitrate) }
        // JPEG's quantiser scale (ffmpeg's -q:v, 1 best … 31 worst) from --quality 1…100.
        let isMJPEG = codec.pointee.id == AV_CODEC_ID_MJPEG
        if isMJPEG, settings.bitrate == nil {
            let quality = Double(settings.quality ?? EncoderSettings.defaultQuality)
            let scale = 31 - (quality - 1) * 30 / 99
            allocated.pointee.flags |= AV_CODEC_FLAG_QSCALE
            allocated.pointee.global_quality = Int32((scale * Double(FF_QP2LAMBDA)).rounded())
        }

        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        let privateOptions = allocated.pointee.priv_data
        func has(_ option: String) -> Bool {
            privateOptions != nil && av_opt_find(privateOptions, option, nil, 0, 0) != nil
        }
        for (option, value) in [("crf", settings.crf.map { formatNumber($0) }), ("preset", settings.preset)] {
            guard let value else { continue }
            if settings.usesDefaultRateControl {
                // Convoy's defaults (x264's terms) go only where they mean the same: libwebp's
                // `preset` takes other words, and is left at its own default.
                if has(option) { _ = av_opt_set(privateOptions, option, value, 0) }
            } else if has(option) {
                av_dict_set(&options, option, value, 0)
            } else {
                throw MediaError.invalidEncoderOption(encoder: settings.codec, option: option, value: value)
            }
        }
        if !isMJPEG, let quality = settings.quality {
            if has("quality") {
                av_dict_set(&options, "quality", String(quality), 0)
            } else {
                throw MediaError.invalidEncoderOption(encoder: settings.codec, option: "quality", value: String(quality))
            }
        }
        let code = avcodec_open2(allocated, codec, &options)
        if code < 0 {
            // All stored properties are set, so deinit frees the context.
            throw FFmpegError(code: code, function: "avcodec_open2(\(settings.codec))")
        }
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&pointer)
    }

    /// The quality every frame must carry (`AVFrame.quality`): encoders with a fixed quantiser
    /// (MJPEG with --quality) read it from each frame, not from the context.
    public var frameQuality: Int32 { context.pointee.global_quality }

    /// The encoder's time base (packets' timestamps are in it).
    public var timeBase: AVRational { context.pointee.time_base }

    /// Sends a frame, or nil to start draining, then hands every packet that is ready to `write`.
    public func encode(_ frame: Frame?, write: (Packet) throws -> Void) throws {
        try check(avcodec_send_frame(context, frame?.pointer), "avcodec_send_frame")
        while true {
            let packet = Packet()
            let code = avcodec_receive_packet(context, packet.pointer)
            if code == convoy_averror_eagain() || code == convoy_averror_eof() { return }
            try check(code, "avcodec_receive_packet")
            try write(packet)
        }
    }

    /// The pixel format asked for (checked against the encoder's list). Without one, as ffmpeg
    /// chooses: for an encoder of video that takes yuv420p and a source of up to 8 bits, yuv420p;
    /// otherwise the encoder's format closest to the source (`avcodec_find_best_pix_fmt_of_list`:
    /// rgb24, rgba or rgb48be for PNG, yuv420p10le for a 10-bit source into libx264, the source's
    /// own format for raw output), so neither depth nor alpha is lost where the encoder can keep
    /// them. MJPEG is offered only its full-range formats (yuvj420p, yuvj422p, yuvj444p), as
    /// ffmpeg offers it at normal strictness.
    static func choosePixelFormat(codec: UnsafePointer<AVCodec>, requested: String?, name: String,
                                  source: AVPixelFormat? = nil) throws -> AVPixelFormat {
        var supported: [AVPixelFormat] = []
        if var cursor = codec.pointee.pix_fmts {
            while cursor.pointee != AV_PIX_FMT_NONE {
                supported.append(cursor.pointee)
                cursor += 1
            }
        }
        if codec.pointee.id == AV_CODEC_ID_MJPEG, requested == nil {
            supported = supported.filter(Scaler.isFullRangeYUV)
        }
        if let requested {
            let format = av_get_pix_fmt(requested)
            guard format != AV_PIX_FMT_NONE else { throw MediaError.unknownPixelFormat(requested) }
            guard supported.isEmpty || supported.contains(format) else {
                let names = supported.compactMap { av_get_pix_fmt_name($0).map { String(cString: $0) } }
                throw MediaError.unsupportedPixelFormat(encoder: name, pixelFormat: requested, supported: names)
            }
            return format
        }
        let deep = source.map { WorkingFormat.depth($0) > 8 } ?? false
        if supported.isEmpty { return deep ? source! : AV_PIX_FMT_YUV420P }
        // Alpha counts only where the encoder can store it (PNG, TIFF, WebP), not for libx264.
        let hasAlpha = (source.map(WorkingFormat.hasAlpha) ?? false) && supported.contains(where: WorkingFormat.hasAlpha)
        if !deep, !hasAlpha, supported.contains(AV_PIX_FMT_YUV420P) { return AV_PIX_FMT_YUV420P }
        if let source {
            var terminated = supported + [AV_PIX_FMT_NONE]
            let best = avcodec_find_best_pix_fmt_of_list(&terminated, source, hasAlpha ? 1 : 0, nil)
            if best != AV_PIX_FMT_NONE { return best }
        }
        return supported.contains(AV_PIX_FMT_YUV420P) ? AV_PIX_FMT_YUV420P : supported[0]
    }
}

private func formatNumber(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
}
