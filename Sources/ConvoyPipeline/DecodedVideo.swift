import ConvoyMedia
import Foundation

/// A frame input decoded ahead on a thread of its own, frame by frame: its `FrameSource` (a video,
/// a container or raw frames on standard input, pictures, generated frames) feeding a small bounded
/// queue through `FrameFeed`, so at most `depth` frames wait in memory.
package final class DecodedVideo {
    package let name: String
    private let source: FrameSource
    private let feed: FrameFeed

    /// Opens `input` and starts decoding it into `space`'s working planes, turned upright as the
    /// stream's display matrix says unless `autorotate` is off.
    ///
    /// - Throws: `ConvoyError` naming the input when it is missing or not a video.
    package init(_ input: FrameInput, space: FilterSpace, threads: Int, depth: Int = 4, autorotate: Bool = true) throws {
        name = input.name
        source = try input.open(space: space, threads: threads, autorotate: autorotate)
        feed = FrameFeed(source: source, depth: depth)
    }

    deinit { feed.stop() }

    package var width: Int { source.width }
    package var height: Int { source.height }

    /// An empty image in the working format, to size buffers the frames will fill.
    package func makeImage() -> PlanarImage { source.makeImage() }

    /// Half a frame period in seconds (1 ms when the rate is unknown): how far apart two
    /// timestamps may be and still name the same moment.
    package var timeTolerance: Double { source.timeTolerance }

    /// The next frame and its time in seconds, or nil at the end.
    package func next() throws -> (image: PlanarImage, seconds: Double)? {
        let image = feed.queue.pop()
        if let error = feed.failure.error { throw MediaErrors.input(error, name: name) }
        guard let image else { return nil }
        return (image, source.seconds(image.timestamp))
    }

    /// Decodes the rest and returns how many frames it held.
    package func countRemaining() throws -> Int {
        var count = 0
        while try next() != nil { count += 1 }
        return count
    }
}
