import ConvoyTensor
import XCTest

final class SplitMix64Tests: XCTestCase {
    /// The first draws for seed 1234567 are those of the reference SplitMix64 (Vigna's
    /// splitmix64.c, also computed by a direct Python transcription of the three mixing steps).
    func testReferenceSequence() {
        var generator = SplitMix64(seed: 1_234_567)
        XCTAssertEqual((0..<3).map { _ in generator.next() },
                       [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
    }

    /// A generator rebuilt from another's `state` draws what that one draws next, and equal states
    /// compare equal.
    func testStateContinuesTheSequence() {
        var original = SplitMix64(seed: 99)
        for _ in 0..<5 { _ = original.next() }
        var copy = SplitMix64(state: original.state)
        XCTAssertEqual(copy, original)
        XCTAssertEqual((0..<4).map { _ in copy.next() }, (0..<4).map { _ in original.next() })
        XCTAssertNotEqual(SplitMix64(seed: 1), SplitMix64(seed: 2))
    }
}
