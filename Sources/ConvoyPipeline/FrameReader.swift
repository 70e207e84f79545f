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
    private let video: DecodedVideo
    private let batcher: FrameBatcher

    /// Opens `input` (a path, URL or `-`). `space` picks the planes: rgb gives C = 3, luma gives
    /// C = 1 (Y); yuv gives the planes stored at full size.
    /// With `autorotate` (the default), frames are turned upright as the stream's display matrix
    /// says, as ffmpeg does.
    public convenience init(input name: String, space: FilterSpace = .rgb, autorotate: Bool = true) throws {
        try self.init(FrameInput(name), space: space, autorotate: autorotate)
    }

    /// Opens `input`: anything the commands read (raw frames on standard input, pictures,
    /// generated frames too), `space` and `autorotate` as above.
    public init(_ input: FrameInput, space: FilterSpace = .rgb, autorotate: Bool = true) throws {
        video = try DecodedVideo(input, space: space, threads: 0, depth: 16, autorotate: autorotate)
        batcher = FrameBatcher(group: PlaneGroup.groups(for: space, planes: video.makeImage().planes)[0], capacity: 1)
    }

    /// Frame width and height.
    public var width: Int { video.width }
    public var height: Int { video.height }

    /// The next batch of up to `count` frames, or nil at the end of the video.
    public func next(count: Int) throws -> FrameBatch? {
        precondition(count > 0, "batch size must be positive")
        var images: [PlanarImage] = []
        var times: [Double] = []
        while images.count < count, let frame = try video.next() {
            images.append(frame.image)
            times.append(frame.seconds)
        }
        guard !images.isEmpty else { return nil }
        return FrameBatch(tensor: batcher.pack(images), times: times)
    }
}
