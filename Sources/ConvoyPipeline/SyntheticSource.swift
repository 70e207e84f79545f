import ConvoyMedia
import ConvoyTensor

/// Generated frames as a `FrameSource`: what `SyntheticFrames` describes, in 8-bit planar RGB
/// for RGB work and 8-bit 4:4:4 YUV otherwise, with timestamps 0, 1, 2, … at the frames' rate.
final class SyntheticSource: FrameSource {
    let frames: SyntheticFrames
    let workingFormat: WorkingFormat.Format
    let settings = SourceSettings()

    init(_ frames: SyntheticFrames, space: FilterSpace) {
        self.frames = frames
        workingFormat = space == .rgb ? WorkingFormat.rgb : WorkingFormat.yuv444
    }

    var name: String { frames.description }
    var width: Int { scaledSize?.width ?? frames.width }
    var height: Int { scaledSize?.height ?? frames.height }
    var duration: Double? { Double(frames.count) / Double(frames.framesPerSecond) }
    var declaredFrameCount: Int { frames.count }
    func withContainer<T>(_ body: (InputFile?) throws -> T) rethrows -> T { try body(nil) }
    var passedDisplayMatrix: [Int32]? { nil }
    var sourcePixelFormat: WorkingFormat.Format { workingFormat }
    var sourcePaths: [String] { [] }
    var color: ColorProperties { ColorProperties() }

    func makeImage() -> PlanarImage { PlanarImage(width: width, height: height, pixelFormat: workingFormat) }

    func seconds(_ timestamp: Int64?) -> Double { Double(timestamp ?? 0) / Double(frames.framesPerSecond) }
    var timeTolerance: Double { 0.5 / Double(frames.framesPerSecond) }

    func picture(width: Int, height: Int, keepingDepth: Bool) -> VideoEncoder.Picture {
        VideoEncoder.Picture(width: width, height: height, framesPerSecond: frames.framesPerSecond, color: color)
    }

    func run(into queue: BoundedQueue<PlanarImage>, every: Int, counts: StageCounters,
             copyPacket: ((Packet) throws -> Void)?) throws {
        defer { queue.close() }
        let pool = self.pool, scaledSize = self.scaledSize
        var seed: UInt64 = 0
        if case .noise(let given) = frames.pattern { seed = given }
        var random = SplitMix64(seed: seed)
        // With `scaledSize`, frames are drawn at their own size into this one, then scaled.
        let drawn = scaledSize == nil ? nil : PlanarImage(width: frames.width, height: frames.height, pixelFormat: workingFormat)
        let scaler = Scaler(color: color)
        for index in 0..<frames.count {
            counts.framesDecoded += 1
            guard index % every == 0 else { continue }
            let image = pool?.take() ?? makeImage()
            if let drawn {
                fill(drawn, frame: index, random: &random)
                try scaler.convert(drawn, into: image)
            } else {
                fill(image, frame: index, random: &random)
            }
            image.timestamp = Int64(index)
            image.duration = 1
            image.index = index
            if !queue.push(image) { return }
        }
    }

    /// Draws frame `frame` of the pattern into every plane of `image`.
    private func fill(_ image: PlanarImage, frame: Int, random: inout SplitMix64) {
        for plane in image.planes.indices {
            let layout = image.planes[plane]
            let samples = image.plane(plane)
            for y in 0..<layout.height {
                let row = samples + y * layout.stride
                for x in 0..<layout.width {
                    let level: Int
                    switch frames.pattern {
                    case .gradient:
                        level = (x * (plane + 1) + y * 2 + frame * 7) % 256
                    case .checkerboard(let cell):
                        let light = ((x + frame) / max(1, cell) + y / max(1, cell) + plane) % 2 == 1
                        level = light ? 200 : 40
                    case .noise:
                        level = Int(random.next() >> 56)
                    }
                    row[x] = UInt8(level)
                }
            }
        }
    }
}
