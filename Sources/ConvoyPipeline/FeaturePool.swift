/// Reduction of each feature map to one value per channel (`--pool`).
public enum FeaturePool: String, CaseIterable, Sendable {
    case avg
    case max

    /// Reduces `[N, C, H, W]` at `source` to `[N, C]` at `destination`.
    func reduce(_ source: UnsafePointer<Float>, frames: Int, channels: Int, planeSize: Int,
                into destination: UnsafeMutablePointer<Float>) {
        for index in 0..<(frames * channels) {
            let plane = source + index * planeSize
            switch self {
            case .avg:
                var sum: Double = 0
                for i in 0..<planeSize { sum += Double(plane[i]) }
                destination[index] = Float(sum / Double(planeSize))
            case .max:
                var best = -Float.infinity
                for i in 0..<planeSize where plane[i] > best || plane[i].isNaN { best = plane[i] }
                destination[index] = best
            }
        }
    }
}
