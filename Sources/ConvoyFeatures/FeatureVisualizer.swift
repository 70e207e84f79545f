import ConvoyMedia
import ConvoyPipeline
import ConvoyTensor
import Foundation

/// Renders a model output as video beside `convoy features`: one channel as a heatmap laid over
/// the footage, or a grid of up to 16 channels, with the input frames' timestamps (and the input's
/// audio), so it plays in sync with the source.
///
/// Each map is scaled to the frame by nearest neighbour and coloured by `HeatmapPalette`, with the
/// range running from 0 (or the frame's minimum, when negative values occur) to the frame's maximum.
final class FeatureVisualizer {
    enum Layout {
        /// One channel, blended half and half with the picture.
        case overlay(channel: Int)
        /// The first `count` channels side by side, each scaled to a cell.
        case grid(count: Int)
    }

    let path: String
    private let layout: Layout
    /// Shared with the decode stage, which copies the audio packets into it.
    let output: SharedVideoWriter
    private let width: Int, height: Int
    private let palette = HeatmapPalette()

    init(path: String, layout: Layout, source: FrameSource, overwrite: Bool) throws {
        self.path = path
        self.layout = layout
        width = source.width
        height = source.height
        try OutputGuard.check(output: path, input: source.name, overwrite: overwrite)
        do {
            let picture = source.picture(width: width, height: height, keepingDepth: false)
            output = SharedVideoWriter(try source.withContainer { container in
                try VideoWriter(target: path, format: nil, settings: EncoderSettings(), picture: picture,
                                input: container, copying: .audio)
            })
        } catch {
            throw MediaErrors.output(error, name: path)
        }
    }

    /// Draws frame `frame` of the batch result `maps` (`[N, C, h, w]`) over `image`.
    func write(_ image: PlanarImage, maps: Tensor, frame: Int) throws {
        let picture = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
        if image.pixelFormat == WorkingFormat.rgb {
            picture.paste(image, x: 0, y: 0)
        } else {
            // Deep RGB keeps its three planes; YUV work shows its luma as grey.
            let isRGB = WorkingFormat.isRGB(image.pixelFormat)
            for plane in 0..<3 { copyLevels(of: image, plane: isRGB ? plane : 0, into: picture, plane: plane) }
        }
        let channels = maps.shape.c, mapHeight = maps.shape.h, mapWidth = maps.shape.w
        let base = maps.pointer + frame * channels * mapHeight * mapWidth
        switch layout {
        case .overlay(let channel):
            draw(base + min(channel, channels - 1) * mapHeight * mapWidth, mapWidth: mapWidth, mapHeight: mapHeight,
                 into: picture, x: 0, y: 0, width: width, height: height, blend: true)
        case .grid(let count):
            let shown = min(count, channels)
            let columns = Int(Double(shown).squareRoot().rounded(.up))
            let rows = (shown + columns - 1) / columns
            let cellWidth = width / columns, cellHeight = height / rows
            picture.fill(0)
            for index in 0..<shown {
                draw(base + index * mapHeight * mapWidth, mapWidth: mapWidth, mapHeight: mapHeight, into: picture,
                     x: (index % columns) * cellWidth, y: (index / columns) * cellHeight,
                     width: cellWidth - 2, height: cellHeight - 2, blend: false)
            }
        }
        picture.timestamp = image.timestamp
        picture.duration = image.duration
        try output.write(picture)
    }

    /// Copies plane `from` of `image` (8 or 16 bits) into 8-bit plane `to` of `picture`, scaling
    /// its levels to 0…255.
    private func copyLevels(of image: PlanarImage, plane from: Int, into picture: PlanarImage, plane to: Int) {
        let source = image.planes[from], target = picture.planes[to]
        for y in 0..<min(source.height, target.height) {
            let out = picture.plane(to) + y * target.stride
            if image.bytesPerSample == 1 {
                out.update(from: image.plane(from) + y * source.stride, count: min(source.width, target.width))
            } else {
                let row = image.plane16(from) + y * source.stride / 2
                let scale = 255 / Float(image.maxLevel)
                for x in 0..<min(source.width, target.width) { out[x] = UInt8(Float(row[x]) * scale + 0.5) }
            }
        }
    }

    func finish() throws {
        do {
            try output.finish()
        } catch {
            output.discard()
            throw MediaErrors.output(error, name: path)
        }
    }

    func discard() { output.discard() }

    private func draw(_ map: UnsafePointer<Float>, mapWidth: Int, mapHeight: Int, into picture: PlanarImage,
                      x originX: Int, y originY: Int, width: Int, height: Int, blend: Bool) {
        var low = Float.infinity, high = -Float.infinity
        for i in 0..<(mapWidth * mapHeight) where map[i].isFinite {
            low = min(low, map[i])
            high = max(high, map[i])
        }
        if !low.isFinite { low = 0; high = 1 }
        low = min(low, 0)
        let span = high > low ? high - low : 1
        let red = picture.plane(0), green = picture.plane(1), blue = picture.plane(2)
        let stride = picture.planes[0].stride
        for y in 0..<max(0, height) {
            let row = map + min(mapHeight - 1, y * mapHeight / max(1, height)) * mapWidth
            let offset = (originY + y) * stride + originX
            for x in 0..<max(0, width) {
                let value = row[min(mapWidth - 1, x * mapWidth / max(1, width))]
                let level = value.isFinite ? Int(((value - low) / span * 255).rounded()) : 0
                let colour = palette.table[max(0, min(255, level))]
                if blend {
                    red[offset + x] = UInt8((Int(red[offset + x]) + Int(colour.r)) / 2)
                    green[offset + x] = UInt8((Int(green[offset + x]) + Int(colour.g)) / 2)
                    blue[offset + x] = UInt8((Int(blue[offset + x]) + Int(colour.b)) / 2)
                } else {
                    red[offset + x] = colour.r
                    green[offset + x] = colour.g
                    blue[offset + x] = colour.b
                }
            }
        }
    }
}
