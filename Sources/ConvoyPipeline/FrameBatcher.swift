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

    /// Packs `images` (at most the capacity) and returns the batch tensor `[images.count, P, H, W]`.
    public func pack(_ images: [PlanarImage]) -> Tensor {
        let shape = Shape(images.count, group.planes.count, group.height, group.width)
        tensor = tensor.resized(to: shape)
        let planeSize = group.width * group.height
        let base = tensor.pointer
        for (n, image) in images.enumerated() {
            let scale = 1 / Float(image.maxLevel)
            for (p, index) in group.planes.enumerated() {
                let plane = image.planes[index]
                let destination = base + (n * group.planes.count + p) * planeSize
                for y in 0..<plane.height {
                    let out = destination + y * plane.width
                    if image.bytesPerSample == 1 {
                        SampleLevels.load(image.plane(index) + y * plane.stride, into: out, count: plane.width, scale: scale)
                    } else {
                        SampleLevels.load(image.plane16(index) + y * (plane.stride / 2), into: out, count: plane.width, scale: scale)
                    }
                }
            }
        }
        return tensor
    }

    /// Writes `result` (`[images.count, P, H, W]`, 0…1) back into the images' planes, rounding to
    /// the nearest level (ties to even) and clamping to 0…`maxLevel` (`SampleLevels.store`).
    public static func unpack(_ result: Tensor, into images: [PlanarImage], group: PlaneGroup) {
        precondition(result.shape == Shape(images.count, group.planes.count, group.height, group.width),
                     "result shape \(result.shape) does not match the batch")
        let planeSize = group.width * group.height
        for (n, image) in images.enumerated() {
            for (p, index) in group.planes.enumerated() {
                let plane = image.planes[index]
                let source = result.pointer + (n * group.planes.count + p) * planeSize
                let top = Float(image.maxLevel)
                for y in 0..<plane.height {
                    let row = source + y * plane.width
                    if image.bytesPerSample == 1 {
                        SampleLevels.store(row, into: image.plane(index) + y * plane.stride, count: plane.width, top: top)
                    } else {
                        SampleLevels.store(row, into: image.plane16(index) + y * (plane.stride / 2), count: plane.width, top: top)
                    }
                }
            }
        }
    }
}
