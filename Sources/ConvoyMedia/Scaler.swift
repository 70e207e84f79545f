import CFFmpeg

/// Converts decoded frames to Convoy's working planes and back, with libswscale.
///
/// Conversions between YUV and RGB use the source's matrix and range (BT.601 when untagged, as
/// ffmpeg assumes); YUV to YUV keeps the source's range untouched. Every conversion is swscale's
/// (bicubic, as ffmpeg's own format conversions), so Convoy's pictures are ffmpeg's. Convoy's own
/// vectorised 4:2:0 ↔ planar RGB conversion (`YUV420Conversion`) runs only when `ownConversions`
/// is true: it is within one level of swscale's, not equal to it, so it is not the default.
public final class Scaler {
    private var context: OpaquePointer?
    private var key: (Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, -1, 0, 0, -1)
    private let color: ColorProperties
    /// Whether 4:2:0 ↔ planar RGB runs through `YUV420Conversion` (else, the default, swscale does it all).
    public let ownConversions: Bool
    /// The own conversion, made on first use, and whether its YUV side is full range.
    private var conversion: (converter: YUV420Conversion, fullRange: Bool)?

    public init(color: ColorProperties, ownConversions: Bool = false) {
        self.color = color
        self.ownConversions = ownConversions
    }

    /// The own conversion between `yuv` (4:2:0, 8-bit) and planar RGB, or nil when swscale must
    /// convert these sizes and formats.
    private func ownConversion(from source: (Int, Int, AVPixelFormat), to destination: (Int, Int, AVPixelFormat),
                               yuv: AVPixelFormat) -> YUV420Conversion? {
        guard ownConversions, YUV420Conversion.applies(from: source.2, to: destination.2, width: source.0, height: source.1,
                                                       destinationWidth: destination.0, destinationHeight: destination.1) else {
            return nil
        }
        let fullRange = Scaler.isFullRangeYUV(yuv) || color.isFullRange
        if let conversion, conversion.fullRange == fullRange { return conversion.converter }
        let made = YUV420Conversion(color: color, fullRange: fullRange)
        conversion = (made, fullRange)
        return made
    }

    deinit { sws_freeContext(context) }

    /// Converts `frame` into `image` (whose size and format it scales to when they differ).
    public func convert(_ frame: Frame, into image: PlanarImage) throws {
        if let own = ownConversion(from: (frame.width, frame.height, frame.pixelFormat),
                                   to: (image.width, image.height, image.pixelFormat), yuv: frame.pixelFormat) {
            let data = frame.pointer.pointee.data, lines = frame.pointer.pointee.linesize
            own.toRGB(y: data.0!, Int(lines.0), u: data.1!, Int(lines.1), v: data.2!, Int(lines.2), into: image)
            return
        }
        let sws = try prepare(source: (Int32(frame.width), Int32(frame.height), frame.pixelFormat),
                              destination: (Int32(image.width), Int32(image.height), image.pixelFormat))
        var (destination, strides) = image.ffmpegPlanes()
        let source = frame.pointer
        let result = withUnsafePointer(to: &source.pointee.data) { data in
            withUnsafePointer(to: &source.pointee.linesize) { lines in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourceData in
                    lines.withMemoryRebound(to: Int32.self, capacity: 8) { sourceLines in
                        sws_scale(sws, sourceData, sourceLines, 0, Int32(frame.height), &destination, &strides)
                    }
                }
            }
        }
        try check(result, "sws_scale")
    }

    /// Converts `image` into a new frame of `width`×`height` in `pixelFormat`.
    public func convert(_ image: PlanarImage, width: Int, height: Int, pixelFormat: AVPixelFormat) throws -> Frame {
        let frame = Frame()
        try convert(image, width: width, height: height, pixelFormat: pixelFormat, reusing: frame)
        return frame
    }

    /// Converts `image` into `frame` as `convert(_:width:height:pixelFormat:)` does, reusing the
    /// frame's buffer when it has one of that size and format that nobody else references (an
    /// encoder that still holds it gets a fresh buffer, `av_frame_make_writable`). Frame
    /// properties other than the picture's are reset.
    public func convert(_ image: PlanarImage, width: Int, height: Int, pixelFormat: AVPixelFormat, reusing frame: Frame) throws {
        let pointer = frame.pointer
        let fits = pointer.pointee.buf.0 != nil && pointer.pointee.width == Int32(width)
            && pointer.pointee.height == Int32(height) && pointer.pointee.format == pixelFormat.rawValue
        if fits {
            try check(av_frame_make_writable(pointer), "av_frame_make_writable")
            pointer.pointee.pts = convoy_nopts_value()
            pointer.pointee.pkt_duration = 0
        } else {
            av_frame_unref(pointer)
            pointer.pointee.width = Int32(width)
            pointer.pointee.height = Int32(height)
            pointer.pointee.format = pixelFormat.rawValue
            try check(av_frame_get_buffer(pointer, 0), "av_frame_get_buffer")
        }
        if let own = ownConversion(from: (image.width, image.height, image.pixelFormat), to: (width, height, pixelFormat),
                                   yuv: pixelFormat) {
            let data = pointer.pointee.data, lines = pointer.pointee.linesize
            own.toYUV(image, y: data.0!, Int(lines.0), u: data.1!, Int(lines.1), v: data.2!, Int(lines.2))
            return
        }
        let sws = try prepare(source: (Int32(image.width), Int32(image.height), image.pixelFormat),
                              destination: (Int32(width), Int32(height), pixelFormat))
        let (pointers, strides) = image.ffmpegPlanes()
        let source: [UnsafePointer<UInt8>?] = pointers.map { UnsafePointer($0) }
        let result = withUnsafeMutablePointer(to: &pointer.pointee.data) { data in
            withUnsafeMutablePointer(to: &pointer.pointee.linesize) { lines in
                data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { destinationData in
                    lines.withMemoryRebound(to: Int32.self, capacity: 8) { destinationLines in
                        sws_scale(sws, source, strides, 0, Int32(image.height), destinationData, destinationLines)
                    }
                }
            }
        }
        try check(result, "sws_scale")
    }

    /// Scales and converts `image` into `destination` (any size and planar 8-bit format).
    public func convert(_ image: PlanarImage, into destination: PlanarImage) throws {
        let sws = try prepare(source: (Int32(image.width), Int32(image.height), image.pixelFormat),
                              destination: (Int32(destination.width), Int32(destination.height), destination.pixelFormat))
        let (pointers, strides) = image.ffmpegPlanes()
        let source: [UnsafePointer<UInt8>?] = pointers.map { UnsafePointer($0) }
        var (targets, targetStrides) = destination.ffmpegPlanes()
        try check(sws_scale(sws, source, strides, 0, Int32(image.height), &targets, &targetStrides), "sws_scale")
    }

    private func prepare(source: (Int32, Int32, AVPixelFormat), destination: (Int32, Int32, AVPixelFormat)) throws -> OpaquePointer {
        let wanted = (source.0, source.1, source.2.rawValue, destination.0, destination.1, destination.2.rawValue)
        if let context, wanted == key { return context }
        sws_freeContext(context)
        context = sws_getContext(source.0, source.1, source.2, destination.0, destination.1, destination.2,
                                 convoy_sws_flag_bicubic(), nil, nil, nil)
        guard let created = context else {
            throw FFmpegError(code: convoy_averror(EINVAL), function: "sws_getContext")
        }
        key = wanted
        let sourceIsRGB = Scaler.isRGB(source.2)
        let destinationIsRGB = Scaler.isRGB(destination.2)
        let yuvRange: Int32 = color.isFullRange ? 1 : 0
        let coefficients = convoy_sws_coefficients(color.swscaleMatrix)
        // RGB and JPEG's yuvj formats are always full range; other YUV keeps the source's range
        // (so limited-range video written as JPEG is stretched to full range, and back).
        let sourceRange: Int32 = sourceIsRGB || Scaler.isFullRangeYUV(source.2) ? 1 : yuvRange
        let destinationRange: Int32 = destinationIsRGB || Scaler.isFullRangeYUV(destination.2) ? 1 : yuvRange
        _ = sws_setColorspaceDetails(created, coefficients, sourceRange, coefficients, destinationRange, 0, 1 << 16, 1 << 16)
        return created
    }

    /// True for the full-range ("J") YUV formats JPEG uses (yuvj420p, yuvj422p, yuvj444p, yuvj440p,
    /// yuvj411p), whose samples are always 0…255 whatever the stream's range tag says.
    static func isFullRangeYUV(_ format: AVPixelFormat) -> Bool {
        [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P].contains(format)
    }

    static func isRGB(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        return descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    }
}
