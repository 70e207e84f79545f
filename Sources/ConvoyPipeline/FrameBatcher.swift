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
                if image.bytesPerSample == 1 {
                    let source = image.plane(index)
                    for y in 0..<plane.height {
                        let row = source + y * plane.stride
                        let out = destination + y * plane.width
                        for x in 0..<plane.width { out[x] = Float(row[x]) * scale }
                    }
                } else {
                    let source = image.plane16(index)
                    for y in 0..<plane.height {
                        let row = source + y * (plane.stride / 2)
                        let out = destination + y * plane.width
                        for x in 0..<plane.width { out[x] = Float(row[x]) * scale }
                    }
                }
            }
        }
        return tensor
    }

    /// Writes `result` (`[images.count, P, H, W]`, 0…1) back into the images' planes, rounding to
    /// the nearest level and clamping to 0…`maxLevel`.
    public static func unpack(_ result: Tensor, into images: [PlanarImage], group: PlaneGroup) {
        precondition(result.shape == Shape(images.count, group.planes.count, group.height, group.width),
                     "result shape \(result.shape) does not match the batch")
        let planeSize = group.width * group.height
        for (n, image) in images.enumerated() {
            for (p, index) in group.planes.enumerated() {
                let plane = image.planes[index]
                let source = result.pointer + (n * group.planes.count + p) * planeSize
                // Round half up: for positive values truncation is floor. Written so that NaN
                // lands on 0 rather than trapping.
                if image.bytesPerSample == 1 {
                    let destination = image.plane(index)
                    for y in 0..<plane.height {
                        let row = source + y * plane.width
                        let out = destination + y * plane.stride
                        for x in 0..<plane.width {
                            let level = row[x] * 255 + 0.5
                            out[x] = level > 0 ? (level < 255 ? UInt8(level) : 255) : 0
                        }
                    }
                } else {
                    let destination = image.plane16(index)
                    let top = Float(image.maxLevel)
                    for y in 0..<plane.height {
                        let row = source + y * plane.width
                        let out = destination + y * (plane.stride / 2)
                        for x in 0..<plane.width {
                            let level = row[x] * top + 0.5
                            out[x] = level > 0 ? (level < top ? UInt16(level) : UInt16(image.maxLevel)) : 0
                        }
                    }
                }
            }
        }
    }
}
