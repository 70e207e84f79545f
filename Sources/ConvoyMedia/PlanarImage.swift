import CFFmpeg

/// One decoded picture held as 8-bit planes, the form frames take between Convoy's stages.
///
/// Planes are in channel order (R, G, B for RGB work; Y, U, V for YUV work). Each row starts on a
/// 64-byte boundary (`stride` ≥ `width`) so swscale can use its aligned paths.
public final class PlanarImage {
    /// The size and place of one plane in the image's buffer.
    public struct Plane: Equatable, Sendable {
        public var width: Int
        public var height: Int
        public var stride: Int
        public var offset: Int
    }

    public let planes: [Plane]
    /// The pixel format whose planes these are (GBRP for RGB work, a planar YUV format otherwise).
    public let pixelFormat: AVPixelFormat
    private let buffer: UnsafeMutableRawPointer
    private let byteCount: Int
    /// Presentation timestamp in the source stream's time base, or nil when the source had none.
    public var timestamp: Int64?
    /// Duration in the source stream's time base (0 when unknown).
    public var duration: Int64 = 0
    /// The frame's position among the decoded frames of its stream, counting from 0.
    public var index = 0

    /// Allocates an image of `width`×`height` in `pixelFormat`, which must be planar 8-bit.
    public init(width: Int, height: Int, pixelFormat: AVPixelFormat) {
        guard let descriptor = av_pix_fmt_desc_get(pixelFormat) else { preconditionFailure("unknown pixel format") }
        let count = Int(av_pix_fmt_count_planes(pixelFormat))
        let chromaShiftX = Int(descriptor.pointee.log2_chroma_w)
        let chromaShiftY = Int(descriptor.pointee.log2_chroma_h)
        let isRGB = descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
        var planes: [Plane] = []
        var offset = 0
        for index in 0..<count {
            let subsampled = !isRGB && (index == 1 || index == 2)
            let w = subsampled ? -((-width) >> chromaShiftX) : width
            let h = subsampled ? -((-height) >> chromaShiftY) : height
            let stride = (w + 63) & ~63
            planes.append(Plane(width: w, height: h, stride: stride, offset: offset))
            offset += stride * h
        }
        self.planes = planes
        self.pixelFormat = pixelFormat
        byteCount = max(offset, 1)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    deinit { buffer.deallocate() }

    public var width: Int { planes[0].width }
    public var height: Int { planes[0].height }

    /// The first byte of plane `index` (channel order).
    public func plane(_ index: Int) -> UnsafeMutablePointer<UInt8> {
        (buffer + planes[index].offset).assumingMemoryBound(to: UInt8.self)
    }

    /// Copies `source` (same pixel format) into this image with its top-left corner at (`x`, `y`),
    /// clipping at the edges; chroma planes are placed at the subsampled position.
    public func paste(_ source: PlanarImage, x: Int, y: Int) {
        precondition(source.pixelFormat == pixelFormat, "paste needs the same pixel format")
        for index in planes.indices {
            let scaleX = planes[0].width / max(1, planes[index].width)
            let scaleY = planes[0].height / max(1, planes[index].height)
            let originX = x / max(1, scaleX), originY = y / max(1, scaleY)
            let from = source.planes[index], to = planes[index]
            let columns = min(from.width, to.width - originX)
            guard columns > 0, originX >= 0, originY >= 0 else { continue }
            for row in 0..<min(from.height, to.height - originY) {
                (plane(index) + (originY + row) * to.stride + originX)
                    .update(from: source.plane(index) + row * from.stride, count: columns)
            }
        }
    }

    /// Sets every sample of every plane to `level`.
    public func fill(_ level: UInt8) {
        for index in planes.indices {
            plane(index).update(repeating: level, count: planes[index].stride * planes[index].height)
        }
    }

    /// Sets every chroma sample (planes 1 and 2 of a YUV image) to `level`; 128 is neutral grey.
    public func fillChroma(_ level: UInt8) {
        guard !isGBR else { return }
        for index in planes.indices.dropFirst().prefix(2) {
            plane(index).update(repeating: level, count: planes[index].stride * planes[index].height)
        }
    }

    /// Plane pointers and strides in the order FFmpeg stores this pixel format (GBRP keeps G, B, R).
    func ffmpegPlanes() -> (pointers: [UnsafeMutablePointer<UInt8>?], strides: [Int32]) {
        let order = isGBR ? [1, 2, 0] : Array(0..<planes.count)
        return (order.map { plane($0) }, order.map { Int32(planes[$0].stride) })
    }

    private var isGBR: Bool { pixelFormat == AV_PIX_FMT_GBRP }
}
