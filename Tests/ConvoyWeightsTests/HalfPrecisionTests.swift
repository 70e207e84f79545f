import ConvoyWeights
import XCTest

/// F16 and BF16 conversions: exact widening, round-to-nearest-even narrowing.
final class HalfPrecisionTests: XCTestCase {
    /// Every F16 pattern widens exactly and narrows back to itself (NaNs come back quiet).
    func testEveryHalfPatternRoundTrips() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromHalf: bits)
            let back = HalfPrecision.half(from: value)
            let isNaN = bits & 0x7C00 == 0x7C00 && bits & 0x03FF != 0
            if isNaN {
                XCTAssertTrue(value.isNaN, "pattern \(bits)")
                XCTAssertEqual(back, bits | 0x0200, "NaN pattern \(bits) keeps its sign and payload, made quiet")
            } else {
                XCTAssertEqual(back, bits, "pattern \(bits) -> \(value)")
            }
        }
    }

    #if !(os(macOS) && arch(x86_64))
    /// Widening and narrowing agree with Swift's own `Float16` on every pattern and on many
    /// random floats spread over all exponents.
    func testAgreesWithFloat16() {
        for bits in 0...UInt16.max {
            let reference = Float(Float16(bitPattern: bits))
            let value = HalfPrecision.float(fromHalf: bits)
            if reference.isNaN {
                XCTAssertTrue(value.isNaN)
            } else {
                XCTAssertEqual(value.bitPattern, reference.bitPattern, "pattern \(bits)")
            }
        }
        var generator = SeededGenerator(seed: 16)
        for _ in 0..<200_000 {
            let value = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &generator))
            guard !value.isNaN else { continue }
            XCTAssertEqual(HalfPrecision.half(from: value), Float16(value).bitPattern, "value \(value)")
        }
    }
    #endif

    /// Hand-picked F16 cases: limits, subnormals, signed zeros, infinities and ties.
    func testHalfNarrowingEdgeCases() {
        let cases: [(Float, UInt16)] = [
            (0, 0x0000), (-0.0, 0x8000), (1, 0x3C00), (-2, 0xC000),
            (65504, 0x7BFF),                      // largest finite
            (65519.99, 0x7BFF),                   // below the tie: stays finite
            (65520, 0x7C00),                      // tie between 65504 and 65536 goes to even: infinity
            (1e10, 0x7C00), (-1e10, 0xFC00),
            (.infinity, 0x7C00), (-.infinity, 0xFC00),
            (0x1p-14, 0x0400),                    // smallest normal
            (0x1p-24, 0x0001),                    // smallest subnormal
            (0x1p-25, 0x0000),                    // tie between 0 and 2^-24: even, 0
            (0x1.000002p-25, 0x0001),             // just above the tie
            (0x3p-25, 0x0002),                    // tie between 1 and 2 ulps: even, 2
            (0x1.ff8p-15, 0x03FF),                // largest subnormal
            (0x1.ffcp-15, 0x0400),                // tie above it: even, the smallest normal
            (1 + 0x1p-11, 0x3C00),                // tie: even (1.0)
            (1 + 0x3p-11, 0x3C02),                // tie: even (1 + 2^-9)
            (.leastNonzeroMagnitude, 0x0000), (-.leastNonzeroMagnitude, 0x8000),
            (.greatestFiniteMagnitude, 0x7C00),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(HalfPrecision.half(from: value), expected, "value \(value)")
        }
        let nan = HalfPrecision.half(from: .nan)
        XCTAssertEqual(nan & 0x7C00, 0x7C00)
        XCTAssertNotEqual(nan & 0x03FF, 0)
        XCTAssertEqual(HalfPrecision.half(from: -Float.nan) & 0x8000, 0x8000)
        // A signalling NaN whose payload lives only in the low bits must not become infinity.
        XCTAssertTrue(HalfPrecision.float(fromHalf: HalfPrecision.half(from: Float(bitPattern: 0x7F80_0001))).isNaN)
    }

    /// Every BF16 pattern widens to the same bits in the upper half and narrows back to itself.
    func testEveryBFloat16PatternRoundTrips() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromBFloat16: bits)
            XCTAssertEqual(value.bitPattern, UInt32(bits) << 16)
            let back = HalfPrecision.bfloat16(from: value)
            if value.isNaN {
                XCTAssertEqual(back, bits | 0x0040, "NaN pattern \(bits) comes back quiet")
            } else {
                XCTAssertEqual(back, bits, "pattern \(bits)")
            }
        }
    }

    /// BF16 narrowing is the nearest pattern, ties to even, checked against both neighbours.
    func testBFloat16NarrowingIsNearestEven() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3F80), (-0.0, 0x8000), (1 + 0x1p-8, 0x3F80), (1 + 0x3p-8, 0x3F82),
            (Float(bitPattern: 0x3F80_8001), 0x3F81), // just above the tie, (.infinity, 0x7F80), (-.infinity, 0xFF80),
            (.greatestFiniteMagnitude, 0x7F80),   // rounds up past the largest BF16: infinity
            (Float(bitPattern: 0x7F7F_7FFF), 0x7F7F), // largest BF16 value plus less than half an ulp
            (.leastNormalMagnitude, 0x0080), (.leastNonzeroMagnitude, 0x0000),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(HalfPrecision.bfloat16(from: value), expected, "value \(value)")
        }
        XCTAssertTrue(HalfPrecision.float(fromBFloat16: HalfPrecision.bfloat16(from: Float(bitPattern: 0x7F80_0001))).isNaN)

        var generator = SeededGenerator(seed: 17)
        for _ in 0..<100_000 {
            let value = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &generator))
            guard value.isFinite else { continue }
            let result = HalfPrecision.bfloat16(from: value)
            let truncated = UInt16(value.bitPattern >> 16)
            let below = Double(HalfPrecision.float(fromBFloat16: truncated))
            // Past the largest finite BF16 the next step is 2^128 (IEEE rounding overflows there).
            let next = HalfPrecision.float(fromBFloat16: truncated &+ 1)
            let above = next.isInfinite ? (value < 0 ? -0x1p128 : 0x1p128) : Double(next)
            let distanceBelow = abs(Double(value) - below)
            let distanceAbove = abs(Double(value) - above)
            let expected: UInt16
            if distanceBelow < distanceAbove || (distanceBelow == distanceAbove && truncated & 1 == 0) {
                expected = truncated
            } else {
                expected = truncated &+ 1
            }
            XCTAssertEqual(result, expected, "value \(value)")
        }
    }
}
