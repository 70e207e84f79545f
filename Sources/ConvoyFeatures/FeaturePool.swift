import ConvoyTensor

/// Reduction of each feature map to one value per channel (`--pool`).
public enum FeaturePool: String, CaseIterable, Sendable {
    case avg
    case max

    /// Reduces `[N, C, H, W]` at `source` to `[N, C]` at `destination`, the maps shared among
    /// `workers` threads (each map's value is the same whoever computes it).
    public func reduce(_ source: UnsafePointer<Float>, frames: Int, channels: Int, planeSize: Int,
                       into destination: UnsafeMutablePointer<Float>, workers: Int = 1) {
        // Below 256 Ki values (1 MiB) waking a second thread costs more than it saves.
        let threads = frames * channels * planeSize < 1 << 18 ? 1 : workers
        TaskQueue.run(tasks: frames * channels, workers: threads) { _, index in
            let plane = source + index * planeSize
            switch self {
            case .avg: destination[index] = Float(FeaturePool.sum(plane, count: planeSize) / Double(planeSize))
            case .max: destination[index] = FeaturePool.largest(plane, count: planeSize)
            }
        }
    }

    /// The sum of `count` floats, in Double: blocks of 256 are summed in 16 Float lanes (16 terms
    /// per lane, a relative error near 1e-6 at worst), the blocks' sums in Double. One Double
    /// accumulator would chain every add on the one before (6 ms per 720p frame of 32 maps).
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var total: Double = 0
        var start = 0
        while start + 256 <= count {
            var lanes = SIMD16<Float>(repeating: 0)
            for offset in Swift.stride(from: start, to: start + 256, by: 16) {
                lanes += UnsafeRawPointer(values + offset).loadUnaligned(as: SIMD16<Float>.self)
            }
            total += Double(lanes.sum())
            start += 256
        }
        for index in start..<count { total += Double(values[index]) }
        return total
    }

    /// The largest of `count` floats (NaN when any is NaN, as numpy's `max`), 16 lanes at a time.
    static func largest(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var best = SIMD16<Float>(repeating: -.infinity)
        var sawNaN = SIMDMask<SIMD16<Int32>>(repeating: false)
        var index = 0
        while index + 16 <= count {
            let chunk = UnsafeRawPointer(values + index).loadUnaligned(as: SIMD16<Float>.self)
            best.replace(with: chunk, where: chunk .> best)
            sawNaN .|= chunk .!= chunk
            index += 16
        }
        if any(sawNaN) { return .nan }
        var result = best.max()
        for tail in index..<count {
            if values[tail].isNaN { return .nan }
            result = Swift.max(result, values[tail])
        }
        return result
    }
}
