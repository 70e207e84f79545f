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
package final class ImagePool {
    private let lock = NSLock()
    private var idle: [PlanarImage] = []
    private let capacity: Int
    private let make: () -> PlanarImage
    private let planes: [PlanarImage.Plane]
    private let pixelFormat: WorkingFormat.Format

    /// A pool of images made by `make` (all with one layout), keeping up to `capacity` idle.
    package init(capacity: Int, make: @escaping () -> PlanarImage) {
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
