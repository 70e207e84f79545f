/// A perceptually ordered dark-to-bright palette (black, purple, red, orange, pale yellow), like
/// matplotlib's "inferno", for drawing feature maps.
struct HeatmapPalette {
    /// 256 RGB entries.
    let table: [(r: UInt8, g: UInt8, b: UInt8)]

    init() {
        let anchors: [(Double, Double, Double)] = [(0, 0, 4), (87, 16, 110), (188, 55, 84), (249, 142, 9), (252, 255, 164)]
        table = (0..<256).map { index in
            let position = Double(index) / 255 * Double(anchors.count - 1)
            let lower = min(Int(position), anchors.count - 2)
            let t = position - Double(lower)
            let a = anchors[lower], b = anchors[lower + 1]
            func mix(_ x: Double, _ y: Double) -> UInt8 { UInt8((x + (y - x) * t).rounded()) }
            return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
        }
    }
}
