import CFFmpeg
import Foundation

/// One decoded picture held as planes of 8-bit or 16-bit samples, the form frames take between
/// Convoy's stages.
///
/// Planes are in channel order (R, G, B for RGB work; Y, U, V for YUV work). Samples are one byte
/// (formats of 8 bits or fewer) or two bytes in native (little-endian) order, holding values
/// 0…`maxLevel` (1023 for 10-bit YUV, 65535 for 16-bit RGB). Each row starts on a 64-byte boundary
/// (`stride`, in bytes, ≥ `width · bytesPerSample`) so swscale can use its aligned paths.
///
/// Images travel between stage threads through bounded queues and an image pool, each held by one
/// stage at a time: the stage that took it writes its samples and stamps, then hands it on, and
/// the queue's or the pool's lock orders those writes before the next holder's reads.
// @unchecked Sendable: layout and buffer address are immutable after init (lets); the stamps are guarded by `lock`.
public final class PlanarImage: @unchecked Sendable {
    /// The size and place of one plane in the image's buffer.
    public struct Plane: Equatable, Sendable {
        /// Samples per row.
        public var width: Int
        /// Rows.
        public var height: Int
        /// Bytes from one row's start to the next's.
        public var stride: Int
        /// Bytes from the buffer's start to the plane's first sample.
        public var offset: Int
    }

    public let planes: [Plane]
    /// The pixel format whose planes these are (GBRP for RGB work, a planar YUV format otherwise).
    public let pixelFormat: AVPixelFormat
    /// Bytes per sample: 1 for formats of up to 8 bits, 2 for deeper ones.
    public let bytesPerSample: Int
    /// The largest sample value: `2^depth - 1` (255, 1023, 4095, 65535).
    public let maxLevel: Int
    private let buffer: UnsafeMutableRawPointer
    private let byteCount: Int
    private let lock = NSLock()
    private var stamp = Stamp()

    /// Where in its stream the picture held now lies; rewritten for each frame a pooled image holds.
    private struct Stamp {
        var timestamp: Int64?
        var duration: Int64 = 0
        var index = 0
    }

    private func read<Value>(_ key: KeyPath<Stamp, Value>) -> Value { lock.withLock { stamp[keyPath: key] } }
    private func write<Value>(_ key: WritableKeyPath<Stamp, Value>, _ value: Value) {
        lock.withLock { stamp[keyPath: key] = value }
    }

    /// Presentation timestamp in the source stream's time base, or nil when the source had none.
    public var timestamp: Int64? { get { read(\.timestamp) } set { write(\.timestamp, newValue) } }
    /// Duration in the source stream's time base (0 when unknown).
    public var duration: Int64 { get { read(\.duration) } set { write(\.duration, newValue) } }
    /// The frame's position among the decoded frames of its stream, counting from 0.
    public var index: Int { get { read(\.index) } set { write(\.index, newValue) } }

    /// Allocates an image of `width`×`height` in `pixelFormat`, which must be planar with one
    /// sample per plane of 8 bits or fewer, or of 9 to 16 bits stored little-endian in two bytes.
    public init(width: Int, height: Int, pixelFormat: AVPixelFormat) {
        guard let descriptor = av_pix_fmt_desc_get(pixelFormat) else { preconditionFailure("unknown pixel format") }
        let depth = Int(descriptor.pointee.comp.0.depth)
        precondition(depth <= 16 && descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_BE) == 0,
                     "PlanarImage holds 8-bit or little-endian 16-bit planes")
        bytesPerSample = depth > 8 ? 2 : 1
        maxLevel = (1 << depth) - 1
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
            let stride = (w * bytesPerSample + 63) & ~63
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

    /// The first byte of plane `index` (channel order); samples of 8-bit images.
    public func plane(_ index: Int) -> UnsafeMutablePointer<UInt8> {
        (buffer + planes[index].offset).assumingMemoryBound(to: UInt8.self)
    }

    /// The first sample of plane `index` of a 16-bit image (`bytesPerSample == 2`); rows are
    /// `stride / 2` samples apart.
    public func plane16(_ index: Int) -> UnsafeMutablePointer<UInt16> {
        precondition(bytesPerSample == 2, "plane16 needs a 16-bit image")
        return (buffer + planes[index].offset).assumingMemoryBound(to: UInt16.self)
    }

    /// The level of neutral chroma (no colour): half the range, 128 for 8-bit samples.
    public var neutralLevel: Int { (maxLevel + 1) / 2 }

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
            let bytes = bytesPerSample
            for row in 0..<min(from.height, to.height - originY) {
                (plane(index) + (originY + row) * to.stride + originX * bytes)
                    .update(from: source.plane(index) + row * from.stride, count: columns * bytes)
            }
        }
    }

    /// Sets every sample of every plane to `level` (0…`maxLevel`).
    public func fill(_ level: Int) {
        for index in planes.indices { fill(plane: index, level: level) }
    }

    /// Sets every chroma sample (planes 1 and 2 of a YUV image) to the neutral level: grey.
    public func fillChromaNeutral() {
        guard !isGBR else { return }
        for index in planes.indices.dropFirst().prefix(2) { fill(plane: index, level: neutralLevel) }
    }

    private func fill(plane index: Int, level: Int) {
        precondition((0...maxLevel).contains(level), "level \(level) is outside 0…\(maxLevel)")
        let count = planes[index].stride * planes[index].height
        if bytesPerSample == 1 {
            plane(index).update(repeating: UInt8(level), count: count)
        } else {
            plane16(index).update(repeating: UInt16(level), count: count / 2)
        }
    }

    /// Plane pointers and strides in the order FFmpeg stores this pixel format (GBRP keeps G, B, R).
    func ffmpegPlanes() -> (pointers: [UnsafeMutablePointer<UInt8>?], strides: [Int32]) {
        let order = isGBR ? [1, 2, 0] + Array(3..<planes.count) : Array(0..<planes.count)
        return (order.map { plane($0) }, order.map { Int32(planes[$0].stride) })
    }

    private var isGBR: Bool {
        [AV_PIX_FMT_GBRP, AV_PIX_FMT_GBRP16LE, AV_PIX_FMT_GBRAP, AV_PIX_FMT_GBRAP16LE].contains(pixelFormat)
    }

    /// True when the last plane is alpha (GBRAP, yuva444p, …): RGB or YUV planes then alpha.
    public var hasAlpha: Bool { WorkingFormat.hasAlpha(pixelFormat) }
}
