import ConvoyMedia
import ConvoyTensor
import Foundation

/// Reads a video as batches of frame tensors, for programs that use Convoy as a library.
///
/// ```swift
/// let reader = try FrameReader(input: "clip.mp4", space: .luma)
/// while let batch = try reader.next(count: 8) {
///     // batch.tensor is [N, 1, H, W]
/// }
/// ```
/// Frames are decoded ahead on a thread of their own by the same decoder stage the commands use,
/// through a bounded queue. The batch tensor's storage is reused by the next call: copy what must
/// outlive it.
public final class FrameReader {
    private let source: DecodeStage
    private let queue = BoundedQueue<PlanarImage>(depth: 16)
    private let batcher: FrameBatcher
    private let stage = DispatchGroup()
    private let failure: StageFailure
    private let name: String

    /// Opens `input` (a path, URL or `-`). `space` picks the planes: rgb gives C = 3, luma gives
    /// C = 1 (Y); yuv gives the planes stored at full size.
    /// With `autorotate` (the default), frames are turned upright as the stream's display matrix
    /// says, as ffmpeg does.
    public init(input name: String, space: FilterSpace = .rgb, autorotate: Bool = true) throws {
        self.name = name
        source = try DecodeStage(input: name, space: space, threads: 0, autorotate: autorotate)
        batcher = FrameBatcher(group: PlaneGroup.groups(for: space, planes: source.makeImage().planes)[0], capacity: 1)
        let queue = self.queue
        failure = StageFailure { queue.cancel() }
        let (source, failure) = (self.source, self.failure)
        Stage.start("convoy.read", group: stage) {
            failure.run { try source.run(into: queue, counts: StageCounters()) }
        }
    }

    deinit {
        queue.cancel()
        stage.wait()
    }

    /// Frame width and height.
    public var width: Int { source.width }
    public var height: Int { source.height }

    /// The next batch of up to `count` frames, or nil at the end of the video.
    public func next(count: Int) throws -> FrameBatch? {
        precondition(count > 0, "batch size must be positive")
        var images: [PlanarImage] = []
        while images.count < count, let image = queue.pop() { images.append(image) }
        if let error = failure.error { throw MediaErrors.input(error, name: name) }
        guard !images.isEmpty else { return nil }
        let times = images.map { Timestamps.seconds($0.timestamp ?? 0, source.decoder.timeBase) }
        return FrameBatch(tensor: batcher.pack(images), times: times)
    }
}
