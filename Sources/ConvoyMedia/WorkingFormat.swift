import CFFmpeg

/// The planar pixel format frames are held in while they are filtered: 8-bit samples for sources
/// of up to 8 bits, 16-bit samples for deeper sources (10-bit video is filtered at 16-bit
/// precision, never truncated to 8 bits).
public enum WorkingFormat {
    /// A pixel format, as FFmpeg numbers them.
    public typealias Format = AVPixelFormat

    /// 8-bit planar RGB (stored by FFmpeg as G, B, R planes; `PlanarImage` presents them as R, G, B).
    public static let rgb = AV_PIX_FMT_GBRP

    /// 8-bit planar YUV 4:4:4 (YUV444P), the YUV form of sources it cannot keep as stored.
    public static let yuv444 = AV_PIX_FMT_YUV444P

    /// 16-bit planar RGB (GBRP16LE), for sources deeper than 8 bits.
    public static let deepRGB = AV_PIX_FMT_GBRP16LE

    /// Planar RGB for frames of `source`: 8-bit for sources of up to 8 bits per sample, 16-bit
    /// (GBRP16LE) for deeper ones; with a fourth, alpha plane (GBRAP, GBRAP16LE) when the source
    /// has alpha.
    public static func rgb(for source: AVPixelFormat) -> AVPixelFormat {
        if hasAlpha(source) { return depth(source) > 8 ? AV_PIX_FMT_GBRAP16LE : AV_PIX_FMT_GBRAP }
        return depth(source) > 8 ? deepRGB : rgb
    }

    /// For YUV work: 4:4:4 with an alpha plane (yuva444p, 8 or 16 bits) when the source has
    /// alpha; else the source's own format when it is already planar YUV (or grey) of 8 bits,
    /// or of 9 to 16 bits stored little-endian, so planes are filtered exactly as stored;
    /// otherwise 4:4:4 of the source's depth class (8 or 16 bits). A turn by a quarter
    /// (`orientation.swapsAxes`) of a format whose chroma is subsampled differently across and
    /// down (4:2:2, 4:1:1, 4:4:0) also works in 4:4:4, because the turned chroma would not fit
    /// the format.
    public static func yuv(for source: AVPixelFormat, orientation: Orientation = .upright) -> AVPixelFormat {
        let asStored: [AVPixelFormat] = [
            AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV440P, AV_PIX_FMT_YUV411P,
            AV_PIX_FMT_YUV410P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P,
            AV_PIX_FMT_GRAY8,
            AV_PIX_FMT_YUV420P9LE, AV_PIX_FMT_YUV422P9LE, AV_PIX_FMT_YUV444P9LE,
            AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV422P10LE, AV_PIX_FMT_YUV444P10LE, AV_PIX_FMT_YUV440P10LE,
            AV_PIX_FMT_YUV420P12LE, AV_PIX_FMT_YUV422P12LE, AV_PIX_FMT_YUV444P12LE, AV_PIX_FMT_YUV440P12LE,
            AV_PIX_FMT_YUV420P14LE, AV_PIX_FMT_YUV422P14LE, AV_PIX_FMT_YUV444P14LE,
            AV_PIX_FMT_YUV420P16LE, AV_PIX_FMT_YUV422P16LE, AV_PIX_FMT_YUV444P16LE,
            AV_PIX_FMT_GRAY9LE, AV_PIX_FMT_GRAY10LE, AV_PIX_FMT_GRAY12LE, AV_PIX_FMT_GRAY14LE, AV_PIX_FMT_GRAY16LE,
        ]
        let deep = depth(source) > 8
        if hasAlpha(source) { return deep ? AV_PIX_FMT_YUVA444P16LE : AV_PIX_FMT_YUVA444P }
        guard asStored.contains(source), let descriptor = av_pix_fmt_desc_get(source) else {
            return deep ? AV_PIX_FMT_YUV444P16LE : yuv444
        }
        if orientation.swapsAxes, descriptor.pointee.log2_chroma_w != descriptor.pointee.log2_chroma_h {
            return deep ? AV_PIX_FMT_YUV444P16LE : AV_PIX_FMT_YUV444P
        }
        return source
    }

    /// Bits per sample of `format`'s first component (8 for 8-bit formats, 10 for yuv420p10le).
    public static func depth(_ format: AVPixelFormat) -> Int {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return 8 }
        return Int(descriptor.pointee.comp.0.depth)
    }

    /// True for pixel formats with an alpha channel (rgba, yuva420p, gbrap, …).
    public static func hasAlpha(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        return descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0
    }

    /// True for RGB pixel formats (their conversion to the working planes uses no colour matrix).
    public static func isRGB(_ format: AVPixelFormat) -> Bool { Scaler.isRGB(format) }

    /// FFmpeg's name for a pixel format.
    public static func name(_ format: AVPixelFormat) -> String {
        av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
    }
}
