import ConvoyTraining
import XCTest

/// The shuffle buffer and the sample generator behind the training order.
final class ShuffleBufferTests: XCTestCase {
    /// Streams 0 ..< count through a buffer of `capacity`, returning the order handed out.
    private func shuffled(_ count: Int, capacity: Int, seed: UInt64) -> [Int] {
        var buffer = ShuffleBuffer<Int>(capacity: capacity)
        var generator = SampleGenerator(seed: seed)
        var next = 0
        var order: [Int] = []
        while let item = buffer.next(from: { next < count ? { defer { next += 1 }; return next }() : nil }, using: &generator) {
            order.append(item)
            XCTAssertLessThanOrEqual(buffer.count, capacity)
        }
        return order
    }

    /// Every element comes out exactly once, whatever the capacity; a buffer smaller than the
    /// stream moves an element at most `capacity - 1` places earlier.
    func testEveryElementOnceAndBoundedDisplacement() {
        for capacity in [1, 3, 10, 50] {
            let order = shuffled(40, capacity: capacity, seed: 7)
            XCTAssertEqual(order.sorted(), Array(0..<40))
            for (position, item) in order.enumerated() { XCTAssertLessThan(item, position + capacity) }
        }
        XCTAssertEqual(shuffled(40, capacity: 1, seed: 7), Array(0..<40), "a buffer of one keeps the order")
    }

    /// With room for the whole stream the result is a uniform permutation: each of the 6
    /// orders of 3 elements comes up about equally often (chi-square with 5 degrees of freedom
    /// below 20.5, p ≈ 0.001).
    func testWholeStreamBufferGivesUniformPermutations() {
        var counts: [[Int]: Int] = [:]
        for seed in 0..<6000 { counts[shuffled(3, capacity: 3, seed: UInt64(seed)), default: 0] += 1 }
        XCTAssertEqual(counts.count, 6)
        let chiSquare = counts.values.reduce(0.0) { $0 + pow(Double($1) - 1000, 2) / 1000 }
        XCTAssertLessThan(chiSquare, 20.5, "\(counts)")
    }

    /// The generator: the same seed and stream repeat, other streams differ, `below` stays in
    /// range and covers it, and a generator rebuilt from its state continues the sequence.
    func testGeneratorStreamsAndState() {
        var a = SampleGenerator(seed: 1, stream: 2), b = SampleGenerator(seed: 1, stream: 2), c = SampleGenerator(seed: 1, stream: 3)
        let first = (0..<8).map { _ in a.next() }
        XCTAssertEqual(first, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<8).map { _ in c.next() })
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let value = a.below(7)
            XCTAssertTrue((0..<7).contains(value))
            seen.insert(value)
        }
        XCTAssertEqual(seen.count, 7)
        var copy = SampleGenerator(state: a.state)
        XCTAssertEqual((0..<4).map { _ in a.next() }, (0..<4).map { _ in copy.next() })
    }
}
