import ConvoyTensor
import XCTest

/// SampleLevels and MaxPool2x2 at every kernel level this processor runs (the Swift loops at the
/// baseline, CConvoyKernels' AVX2 and AVX-512 loops above) against scalar references written
/// here from their definitions: the same bits at every level.
final class KernelRowsTests: XCTestCase {
    private var levels: [KernelLevel] { KernelLevel.allCases.filter { $0 <= KernelLevel.supported } }

    private func atEveryLevel(_ body: (KernelLevel) throws -> Void) rethrows {
        let previous = KernelLevel.current
        defer { KernelLevel.use(previous) }
        for level in levels {
            KernelLevel.use(level)
            try body(level)
        }
    }

    /// Counts that leave every vector loop a tail (and one that is shorter than any vector).
    private let counts = [1, 7, 15, 33, 64, 131, 1_000]

    func testLoadScalesEverySample() {
        var generator = SeededGenerator(seed: 41)
        atEveryLevel { level in
            for count in counts {
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let words = (0..<count).map { _ in UInt16.random(in: 0...1023, using: &generator) }
                var out = [Float](repeating: -1, count: count)
                SampleLevels.load(bytes, into: &out, count: count, scale: 1 / 255)
                XCTAssertEqual(out, bytes.map { Float($0) * (1 / Float(255)) }, "8-bit, \(count), \(level.name)")
                SampleLevels.load(words, into: &out, count: count, scale: 1 / 1023)
                XCTAssertEqual(out, words.map { Float($0) * (1 / Float(1023)) }, "16-bit, \(count), \(level.name)")
            }
        }
    }

    /// Rounding to the nearest level with ties to even, clamped, NaN to 0: values at and beyond
    /// both ends, exact ties and noise.
    func testStoreRoundsTiesToEvenAndClamps() {
        var generator = SeededGenerator(seed: 43)
        func reference(_ value: Float, top: Float, clamp: Bool) -> Int {
            let level = value * top
            let clamped = clamp ? (level > 0 ? min(level, top) : 0) : level
            return Int(clamped.rounded(.toNearestOrEven))
        }
        let specials: [Float] = [-0.3, 1.7, .nan, 0, 1, -0.001, 1.001]
        atEveryLevel { level in
            for count in counts {
                for top: Float in [255, 1023] {
                    let values: [Float] = (0..<count).map { index in
                        switch index % 5 {
                        case 0: return (Float(Int.random(in: 0...Int(top), using: &generator)) + 0.5) / top   // a tie
                        case 1: return specials[(index / 5) % specials.count]
                        default: return Float.random(in: 0...1, using: &generator)
                        }
                    }
                    var bytes = [UInt8](repeating: 7, count: count), words = [UInt16](repeating: 7, count: count)
                    if top == 255 {
                        SampleLevels.store(values, into: &bytes, count: count, top: top)
                        XCTAssertEqual(bytes.map(Int.init), values.map { reference($0, top: top, clamp: true) }, "\(count), \(level.name)")
                    } else {
                        SampleLevels.store(values, into: &words, count: count, top: top)
                        XCTAssertEqual(words.map(Int.init), values.map { reference($0, top: top, clamp: true) }, "\(count), \(level.name)")
                    }
                    let inRange = values.map { $0.isNaN ? 0.5 : min(max($0, 0), 1) }
                    SampleLevels.storeInRange(inRange, into: &bytes, count: count, top: 255)
                    XCTAssertEqual(bytes.map(Int.init), inRange.map { reference($0, top: 255, clamp: false) }, "in range, \(count), \(level.name)")
                }
            }
        }
    }

    /// Every output is the largest of its 2×2 window, NaN when the window has one.
    func testMaxPoolTakesTheLargestOfEachWindow() {
        var generator = SeededGenerator(seed: 47)
        atEveryLevel { level in
            for (outputWidth, outputHeight) in [(1, 1), (16, 2), (37, 3), (64, 1), (100, 4)] {
                let inputWidth = 2 * outputWidth + 3
                var input = generator.floats(inputWidth * 2 * outputHeight)
                for index in stride(from: 5, to: input.count, by: 29) { input[index] = .nan }
                var output = [Float](repeating: 0, count: outputWidth * outputHeight)
                MaxPool2x2.pool(input, inputWidth: inputWidth, into: &output, outputHeight: outputHeight, outputWidth: outputWidth)
                for oy in 0..<outputHeight {
                    for ox in 0..<outputWidth {
                        let window = [0, 1, inputWidth, inputWidth + 1].map { input[2 * oy * inputWidth + 2 * ox + $0] }
                        let got = output[oy * outputWidth + ox]
                        if window.contains(where: \.isNaN) {
                            XCTAssertTrue(got.isNaN, "\(ox), \(oy), \(level.name)")
                        } else {
                            XCTAssertEqual(got, window.max()!, "\(ox), \(oy), \(level.name)")
                        }
                    }
                }
            }
        }
    }
}
