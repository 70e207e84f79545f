import ConvoyMedia
import ConvoyTensor

/// Reads a video as batches of frame tensors, for programs that use Convoy as a library.
///
/// ```swift
/// let reader = try FrameReader(input: "clip.mp4", space: .luma)
/// while let batch = try reader.next(count: 8) {
///     // batch.tensor is [N, 1, H, W]
/// }
/// ```
/// The batch tensor's storage is reused by the next call: copy what must outlive it.
public final class FrameReader {
    private let input: InputFile
    private let decoder: VideoDecoder
    private let scaler: Scaler
    private let batcher: FrameBatcher
    private let packet = Packet()
    private let workingFormat: Int32
    private var ended = false
    private var pending: [PlanarImage] = []

    /// Opens `input` (a path, URL or `-`). `space` picks the planes: rgb gives C = 3, luma gives
    /// C = 1 (Y); yuv gives the planes stored at full size.
    public init(input name: String, space: FilterSpace = .rgb) throws {
        do {
            input = try InputFile(name)
            decoder = try VideoDecoder(input: input, threads: 0)
        } catch {
            throw MediaErrors.input(error, name: name)
        }
        let format = space == .rgb ? WorkingFormat.rgb : WorkingFormat.yuv(for: decoder.pixelFormat)
        workingFormat = format.rawValue
        scaler = Scaler(color: decoder.color)
        let layout = PlanarImage(width: decoder.width, height: decoder.height, pixelFormat: format).planes
        batcher = FrameBatcher(group: PlaneGroup.groups(for: space, planes: layout)[0], capacity: 1)
    }

    /// Frame width and height.
    public var width: Int { decoder.width }
    public var height: Int { decoder.height }

    /// The next batch of up to `count` frames, or nil at the end of the video.
    public func next(count: Int) throws -> FrameBatch? {
        precondition(count > 0, "batch size must be positive")
        var images: [PlanarImage] = []
        while images.count < count, let image = try nextImage() { images.append(image) }
        guard !images.isEmpty else { return nil }
        let tensor = batcher.pack(images)
        let times = images.map { Timestamps.seconds($0.timestamp ?? 0, decoder.timeBase) }
        return FrameBatch(tensor: tensor, times: times)
    }

    private func nextImage() throws -> PlanarImage? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            switch try decoder.receive() {
            case .frame(let frame):
                let image = PlanarImage(width: width, height: height, pixelFormat: .init(rawValue: workingFormat))
                try scaler.convert(frame, into: image)
                image.timestamp = frame.bestEffortTimestamp
                return image
            case .endOfStream:
                return nil
            case .needsInput:
                if ended { return nil }
                if try input.read(into: packet) {
                    if packet.streamIndex == input.videoStreamIndex { try? decoder.send(packet) }
                } else {
                    ended = true
                    try decoder.send(nil)
                }
            }
        }
    }
}
