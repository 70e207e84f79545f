import CFFmpeg

/// The 8-bit planar pixel format frames are held in while they are filtered.
public enum WorkingFormat {
    /// A pixel format, as FFmpeg numbers them.
    public typealias Format = AVPixelFormat

    /// Planar RGB (stored by FFmpeg as G, B, R planes; `PlanarImage` presents them as R, G, B).
    public static let rgb = AV_PIX_FMT_GBRP

    /// For YUV work: the source's own format when it is already 8-bit planar YUV (or grey), so
    /// planes are filtered exactly as stored; otherwise 4:4:4.
    public static func yuv(for source: AVPixelFormat) -> AVPixelFormat {
        let asStored: [AVPixelFormat] = [
            AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV440P, AV_PIX_FMT_YUV411P,
            AV_PIX_FMT_YUV410P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P,
            AV_PIX_FMT_GRAY8,
        ]
        return asStored.contains(source) ? source : AV_PIX_FMT_YUV444P
    }

    /// True for RGB pixel formats (their conversion to the working planes uses no colour matrix).
    public static func isRGB(_ format: AVPixelFormat) -> Bool { Scaler.isRGB(format) }

    /// FFmpeg's name for a pixel format.
    public static func name(_ format: AVPixelFormat) -> String {
        av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
    }
}
