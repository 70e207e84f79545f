import ConvoyFeatures
import ConvoyTensor
import XCTest

/// The per-channel reductions of `--pool` against plain Double loops, on sizes with and without a
/// tail past the last whole block.
final class FeaturePoolTests: XCTestCase {
    func testAverageAndMaximumMatchPlainLoops() {
        var generator = SplitMix64(seed: 5)
        for count in [1, 15, 16, 17, 255, 256, 257, 1000, 230_400] {
            let values = (0..<count).map { _ in Float.random(in: -3...5, using: &generator) }
            let expectedMean = values.reduce(0.0) { $0 + Double($1) } / Double(count)
            var pooled: [Float] = [0, 0]
            values.withUnsafeBufferPointer { FeaturePool.avg.reduce($0.baseAddress!, frames: 1, channels: 1, planeSize: count, into: &pooled) }
            XCTAssertEqual(Double(pooled[0]), expectedMean, accuracy: 1e-6 * max(1, abs(expectedMean)), "mean of \(count)")
            values.withUnsafeBufferPointer { FeaturePool.max.reduce($0.baseAddress!, frames: 1, channels: 1, planeSize: count, into: &pooled) }
            XCTAssertEqual(pooled[0], values.max()!, "max of \(count)")
        }
    }

    private func largest(_ values: [Float]) -> Float {
        var result: Float = 0
        values.withUnsafeBufferPointer { FeaturePool.max.reduce($0.baseAddress!, frames: 1, channels: 1, planeSize: values.count, into: &result) }
        return result
    }

    func testMaximumIsNaNWhenAnyValueIsNaNAndFindsTheLargestAnywhere() {
        for count in [7, 40, 300] {
            for position in [0, count / 2, count - 1] {
                var values = [Float](repeating: -1, count: count)
                values[position] = 9
                XCTAssertEqual(largest(values), 9)
                values[position] = .nan
                XCTAssertTrue(largest(values).isNaN)
            }
        }
        let negatives = [Float](repeating: -.infinity, count: 33)
        XCTAssertEqual(largest(negatives), -.infinity)
    }

    func testTwoFramesOfTwoChannelsReduceEachPlaneOnItsOwn() {
        let planes: [[Float]] = [[1, 2, 3], [4, 5, 6], [-1, -2, -3], [0, 10, 2]]
        let source = planes.flatMap { $0 }
        var means = [Float](repeating: 0, count: 4), maxima = [Float](repeating: 0, count: 4)
        source.withUnsafeBufferPointer {
            FeaturePool.avg.reduce($0.baseAddress!, frames: 2, channels: 2, planeSize: 3, into: &means)
            FeaturePool.max.reduce($0.baseAddress!, frames: 2, channels: 2, planeSize: 3, into: &maxima)
        }
        XCTAssertEqual(means, [2, 5, -2, 4])
        XCTAssertEqual(maxima, [3, 6, -1, 10])
    }

    /// Shared among threads (above 1 MiB of maps), every map's value is the one computed alone.
    func testTwoWorkersGiveTheValuesOfOne() {
        var generator = SplitMix64(seed: 11)
        let (frames, channels, planeSize) = (3, 5, 40_000)
        let values = (0..<(frames * channels * planeSize)).map { _ in Float.random(in: -1...2, using: &generator) }
        for pool in FeaturePool.allCases {
            var alone = [Float](repeating: 0, count: frames * channels), shared = alone
            values.withUnsafeBufferPointer {
                pool.reduce($0.baseAddress!, frames: frames, channels: channels, planeSize: planeSize, into: &alone)
                pool.reduce($0.baseAddress!, frames: frames, channels: channels, planeSize: planeSize, into: &shared, workers: 2)
            }
            XCTAssertEqual(alone, shared, "\(pool)")
            let expected = (0..<(frames * channels)).map { map in
                let plane = values[(map * planeSize)..<((map + 1) * planeSize)]
                return pool == .max ? plane.max()! : Float(plane.reduce(0.0) { $0 + Double($1) } / Double(planeSize))
            }
            for (got, want) in zip(shared, expected) { XCTAssertEqual(got, want, accuracy: 1e-6, "\(pool)") }
        }
    }
}
