import ConvoyMedia
import Foundation

/// Working images handed back after use and given out again, so a long run allocates a frame's
/// planes a bounded number of times instead of once per frame.
///
/// Allocating and freeing frame-sized blocks every frame made the C heap either unmap them and
/// fault in freshly zeroed pages for the next frame (20% of a 1080p run's samples), or keep a
/// growing, fragmented heap. A pool keeps at most `capacity` idle images; an image that comes
/// back when the pool is full, or with another layout, is simply freed. Safe to use from several
/// threads.
// @unchecked Sendable: `idle` is guarded by `lock`; `capacity`, `make`, `planes` and `pixelFormat` are immutable after init.
package final class ImagePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [PlanarImage] = []
    private let capacity: Int
    private let make: @Sendable () -> PlanarImage
    private let planes: [PlanarImage.Plane]
    private let pixelFormat: WorkingFormat.Format

    /// A pool of images made by `make` (all with one layout), keeping up to `capacity` idle.
    package init(capacity: Int, make: @escaping @Sendable () -> PlanarImage) {
        self.capacity = capacity
        self.make = make
        let first = make()
        planes = first.planes
        pixelFormat = first.pixelFormat
        idle = [first]
    }

    /// An image of the pool's layout: an idle one when there is one, else a new one. Its samples
    /// and stamps are whatever it last held.
    package func take() -> PlanarImage {
        lock.lock()
        let image = idle.popLast()
        lock.unlock()
        return image ?? make()
    }

    /// Hands `image` back once nothing reads it any more.
    package func recycle(_ image: PlanarImage) {
        lock.lock()
        defer { lock.unlock() }
        guard idle.count < capacity, image.planes == planes, image.pixelFormat == pixelFormat else { return }
        idle.append(image)
    }
}
