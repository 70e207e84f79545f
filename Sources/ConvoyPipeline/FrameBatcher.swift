import ConvoyMedia
import ConvoyTensor

/// Packs the planes of up to N working images into one Float32 tensor and back.
///
/// The tensor is `[N, P, H, W]` (NCHW): N images, P planes of the group in channel order, rows,
/// columns; samples are scaled from 0…`maxLevel` (255 for 8-bit images, 1023 for 10-bit, 65535
/// for 16-bit RGB) to 0…1. The tensor's storage is reused batch after batch.
public final class FrameBatcher {
    public let group: PlaneGroup
    private var tensor: Tensor

    public init(group: PlaneGroup, capacity: Int) {
        self.group = group
        tensor = Tensor(shape: Shape(capacity, group.planes.count, group.height, group.width))
    }

    /// Packs `images` (at most the capacity) and returns the batch tensor `[images.count, P, H, W]`,
    /// bands of rows shared among `workers` threads.
    public func pack(_ images: [PlanarImage], workers: Int = 1) -> Tensor {
        tensor = tensor.resized(to: Shape(images.count, group.planes.count, group.height, group.width))
        let base = tensor.pointer
        FrameBatcher.forEachBand(images, group: group, workers: workers) { image, index, plane, rows in
            let scale = 1 / Float(image.maxLevel)
            for y in rows {
                let out = base + (plane * group.height + y) * group.width
                if image.bytesPerSample == 1 {
                    SampleLevels.load(image.plane(index) + y * image.planes[index].stride, into: out, count: group.width, scale: scale)
                } else {
                    SampleLevels.load(image.plane16(index) + y * (image.planes[index].stride / 2), into: out, count: group.width,
                                      scale: scale)
                }
            }
        }
        return tensor
    }

    /// Writes `result` (`[images.count, P, H, W]`, 0…1) back into the images' planes, rounding to
    /// the nearest level (ties to even) and clamping to 0…`maxLevel` (`SampleLevels.store`), bands
    /// of rows shared among `workers` threads.
    public static func unpack(_ result: Tensor, into images: [PlanarImage], group: PlaneGroup, workers: Int = 1) {
        precondition(result.shape == Shape(images.count, group.planes.count, group.height, group.width),
                     "result shape \(result.shape) does not match the batch")
        forEachBand(images, group: group, workers: workers) { image, index, plane, rows in
            let top = Float(image.maxLevel)
            for y in rows {
                let row = result.pointer + (plane * group.height + y) * group.width
                if image.bytesPerSample == 1 {
                    SampleLevels.store(row, into: image.plane(index) + y * image.planes[index].stride, count: group.width, top: top)
                } else {
                    SampleLevels.store(row, into: image.plane16(index) + y * (image.planes[index].stride / 2), count: group.width,
                                       top: top)
                }
            }
        }
    }

    /// Rows per task: 128 rows of 1080p are 1 MiB of Float32.
    static let bandRows = 128

    /// Calls `body(image, planeIndex, plane, rows)` for every band of `bandRows` rows of every
    /// plane of the group in every image, on up to `workers` threads; `plane` counts the batch's
    /// planes (`n · P + p`), `planeIndex` is the image's.
    private static func forEachBand(_ images: [PlanarImage], group: PlaneGroup, workers: Int,
                                    _ body: (PlanarImage, Int, Int, Range<Int>) -> Void) {
        let planes = group.planes.count
        let bands = (group.height + bandRows - 1) / bandRows
        // Below 64 Ki samples waking a second thread costs more than it saves.
        let threads = images.count * planes * group.height * group.width < 1 << 16 ? 1 : workers
        TaskQueue.run(tasks: images.count * planes * bands, workers: threads) { _, task in
            let plane = task / bands
            let first = task % bands * bandRows
            body(images[plane / planes], group.planes[plane % planes], plane, first..<min(group.height, first + bandRows))
        }
    }
}
