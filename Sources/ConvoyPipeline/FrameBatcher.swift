import ConvoyMedia
import ConvoyTensor

/// Packs the planes of up to N working images into one Float32 tensor and back.
///
/// The tensor is `[N, P, H, W]` (NCHW): N images, P planes of the group in channel order, rows,
/// columns; samples are scaled from 0…255 to 0…1. The tensor's storage is reused batch after batch.
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
        let scale: Float = 1.0 / 255.0
        for (n, image) in images.enumerated() {
            for (p, index) in group.planes.enumerated() {
                let plane = image.planes[index]
                let source = image.plane(index)
                let destination = base + (n * group.planes.count + p) * planeSize
                for y in 0..<plane.height {
                    let row = source + y * plane.stride
                    let out = destination + y * plane.width
                    for x in 0..<plane.width { out[x] = Float(row[x]) * scale }
                }
            }
        }
        return tensor
    }

    /// Writes `result` (`[images.count, P, H, W]`, 0…1) back into the images' planes, rounding to
    /// the nearest level and clamping to 0…255.
    public static func unpack(_ result: Tensor, into images: [PlanarImage], group: PlaneGroup) {
        precondition(result.shape == Shape(images.count, group.planes.count, group.height, group.width),
                     "result shape \(result.shape) does not match the batch")
        let planeSize = group.width * group.height
        for (n, image) in images.enumerated() {
            for (p, index) in group.planes.enumerated() {
                let plane = image.planes[index]
                let source = result.pointer + (n * group.planes.count + p) * planeSize
                let destination = image.plane(index)
                for y in 0..<plane.height {
                    let row = source + y * plane.width
                    let out = destination + y * plane.stride
                    for x in 0..<plane.width {
                        // Round half up: for positive values truncation is floor. Written so
                        // that NaN lands on 0 rather than trapping.
                        let level = row[x] * 255 + 0.5
                        out[x] = level > 0 ? (level < 255 ? UInt8(level) : 255) : 0
                    }
                }
            }
        }
    }
}
