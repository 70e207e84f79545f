import Foundation

/// Decoded frames as raw planar bytes (`ffmpeg -f rawvideo -pix_fmt FMT -`), split into frames
/// and planes.
struct RawVideo {
    struct PlaneSize: Equatable { var width: Int; var height: Int }

    let width: Int
    let height: Int
    let pixelFormat: String
    let planes: [PlaneSize]
    let bytes: [UInt8]

    init(bytes: Data, width: Int, height: Int, pixelFormat: String) {
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.planes = RawVideo.planeSizes(width: width, height: height, pixelFormat: pixelFormat)
        self.bytes = [UInt8](bytes)
    }

    /// The planes of an 8-bit planar format, in ffmpeg's storage order.
    static func planeSizes(width: Int, height: Int, pixelFormat: String) -> [PlaneSize] {
        let full = PlaneSize(width: width, height: height)
        switch pixelFormat {
        case "gray": return [full]
        case "gbrp", "yuv444p", "yuvj444p": return [full, full, full]
        case "gbrap": return [full, full, full, full]
        case "yuv420p":
            let chroma = PlaneSize(width: (width + 1) / 2, height: (height + 1) / 2)
            return [full, chroma, chroma]
        case "yuv422p":
            let chroma = PlaneSize(width: (width + 1) / 2, height: height)
            return [full, chroma, chroma]
        default: preconditionFailure("RawVideo does not know \(pixelFormat)")
        }
    }

    var frameSize: Int { planes.reduce(0) { $0 + $1.width * $1.height } }
    var frameCount: Int { bytes.count / frameSize }
    /// True when the byte count is a whole number of frames.
    var isWhole: Bool { bytes.count % frameSize == 0 }

    /// Offset of `plane` of `frame` in `bytes`.
    func offset(frame: Int, plane: Int) -> Int {
        frame * frameSize + planes[..<plane].reduce(0) { $0 + $1.width * $1.height }
    }

    /// The bytes of one plane of one frame, row-major.
    func plane(_ plane: Int, frame: Int) -> ArraySlice<UInt8> {
        let start = offset(frame: frame, plane: plane)
        return bytes[start..<(start + planes[plane].width * planes[plane].height)]
    }

    /// The mean absolute difference between horizontally adjacent samples of plane 0, over all
    /// frames: a sharpness measure (blurring lowers it).
    func meanHorizontalGradient(plane index: Int = 0) -> Double {
        let size = planes[index]
        var total = 0.0
        var count = 0
        bytes.withUnsafeBufferPointer { buffer in
            for frame in 0..<frameCount {
                let base = offset(frame: frame, plane: index)
                for y in 0..<size.height {
                    let row = base + y * size.width
                    var rowSum = 0
                    for x in 1..<size.width {
                        rowSum += abs(Int(buffer[row + x]) - Int(buffer[row + x - 1]))
                    }
                    total += Double(rowSum)
                    count += size.width - 1
                }
            }
        }
        return count == 0 ? 0 : total / Double(count)
    }
}

/// How two planes differ.
struct PlaneDifference: CustomStringConvertible {
    var maximum = 0
    var worstX = 0
    var worstY = 0
    /// Samples compared, and samples differing by more than the tolerance.
    var compared = 0
    var beyondTolerance = 0
    /// Samples that differ at all.
    var differing = 0

    var description: String {
        "max |a-b| = \(maximum) at (\(worstX), \(worstY)); \(beyondTolerance) of \(compared) samples beyond tolerance, \(differing) differ at all"
    }

    /// Compares `plane` of `frame` in `a` and `b`, leaving out `margin` samples at every edge.
    static func compare(_ a: RawVideo, _ b: RawVideo, plane: Int, frame: Int, margin: Int, tolerance: Int) -> PlaneDifference {
        precondition(a.planes == b.planes, "the two videos have different plane layouts")
        let size = a.planes[plane]
        var result = PlaneDifference()
        let baseA = a.offset(frame: frame, plane: plane)
        let baseB = b.offset(frame: frame, plane: plane)
        guard size.height > 2 * margin, size.width > 2 * margin else { return result }
        a.bytes.withUnsafeBufferPointer { pa in
            b.bytes.withUnsafeBufferPointer { pb in
                for y in margin..<(size.height - margin) {
                    for x in margin..<(size.width - margin) {
                        let index = y * size.width + x
                        let difference = abs(Int(pa[baseA + index]) - Int(pb[baseB + index]))
                        result.compared += 1
                        if difference > 0 { result.differing += 1 }
                        if difference > tolerance { result.beyondTolerance += 1 }
                        if difference > result.maximum {
                            result.maximum = difference
                            result.worstX = x
                            result.worstY = y
                        }
                    }
                }
            }
        }
        return result
    }
}
