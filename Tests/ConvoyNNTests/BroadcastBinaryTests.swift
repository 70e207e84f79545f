import ConvoyNN
import ConvoyTensor
import XCTest

/// `BroadcastBinary` and `ConstantBinary` against a `Double` reference of numpy broadcasting: an
/// operand of size 1 along an axis is read at index 0 there.
final class BroadcastBinaryTests: XCTestCase {
    private func reference(_ operation: BinaryOperation, _ a: DoubleReference.Array4, _ b: DoubleReference.Array4, _ shape: Shape) -> [Double] {
        var out: [Double] = []
        for n in 0..<shape.n {
            for c in 0..<shape.c {
                for y in 0..<shape.h {
                    for x in 0..<shape.w {
                        let p = a[min(n, a.shape.n - 1), min(c, a.shape.c - 1), min(y, a.shape.h - 1), min(x, a.shape.w - 1)]
                        let q = b[min(n, b.shape.n - 1), min(c, b.shape.c - 1), min(y, b.shape.h - 1), min(x, b.shape.w - 1)]
                        switch operation {
                        case .add: out.append(p + q)
                        case .sub: out.append(p - q)
                        case .mul: out.append(p * q)
                        case .div: out.append(p / q)
                        }
                    }
                }
            }
        }
        return out
    }

    private func assertClose(_ got: [Float], _ want: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, message, file: file, line: line)
        for (i, (g, w)) in zip(got, want).enumerated() {
            XCTAssertEqual(Double(g), w, accuracy: 1e-6 * max(1, abs(w)), "\(message) element \(i)", file: file, line: line)
            if abs(Double(g) - w) > 1e-6 * max(1, abs(w)) { return }
        }
    }

    /// Every operation on every pairing images use, both orders, against the reference.
    func testPairsAgainstReference() throws {
        var random = SeededGenerator(seed: 21)
        let full = Shape(2, 3, 4, 5)
        let partners = [Shape(2, 3, 4, 5), Shape(2, 3, 1, 1), Shape(1, 3, 1, 1), Shape(2, 1, 4, 5), Shape(1, 1, 1, 1),
                        Shape(1, 3, 4, 5), Shape(1, 1, 4, 1)]
        for partner in partners {
            // Divisors kept away from zero.
            let a = Tensor(shape: full, values: random.floats(full.count).map { $0 * 3 })
            let b = Tensor(shape: partner, values: random.floats(partner.count).map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 })
            for operation in BinaryOperation.allCases {
                let layer = BroadcastBinary(operation)
                for (first, second) in [(a, b), (b, a)] {
                    let shape = try layer.validatedOutputShape(for: [first.shape, second.shape])
                    XCTAssertEqual(shape, full)
                    let output = Tensor(shape: shape)
                    output.fill(.nan)
                    layer.forward([first, second], into: output, context: ExecutionContext())
                    let want = reference(operation, DoubleReference.Array4(first), DoubleReference.Array4(second), shape)
                    assertClose(output.array, want, "\(operation) \(first.shape) with \(second.shape)")
                }
                // The same through ConstantBinary, on either side.
                for constantFirst in [false, true] {
                    let constant = try ConstantBinary(operation, constant: b, constantFirst: constantFirst)
                    let output = Tensor(shape: try constant.validatedOutputShape(for: full))
                    constant.forward(a, into: output, context: ExecutionContext())
                    let (p, q) = constantFirst ? (b, a) : (a, b)
                    assertClose(output.array, reference(operation, DoubleReference.Array4(p), DoubleReference.Array4(q), full),
                                "constant \(operation) \(partner) first: \(constantFirst)")
                    let inPlace = Tensor(shape: full, values: a.array)
                    constant.forward(inPlace, into: inPlace, context: ExecutionContext())
                    XCTAssertEqual(inPlace.array, output.array, "in place")
                }
            }
        }
    }

    /// [N, C, 1, 1] against [N, 1, H, W] grows both; a squeeze-and-excite gate by hand.
    func testHandValues() throws {
        let gate = Tensor(shape: Shape(1, 2, 1, 1), values: [2, 10])
        let mask = Tensor(shape: Shape(1, 1, 1, 3), values: [1, 2, 3])
        let layer = BroadcastBinary(.mul)
        let output = Tensor(shape: try layer.validatedOutputShape(for: [gate.shape, mask.shape]))
        XCTAssertEqual(output.shape, Shape(1, 2, 1, 3))
        layer.forward([gate, mask], into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [2, 4, 6, 10, 20, 30])
        let reciprocal = try ConstantBinary(.div, constant: Tensor(shape: Shape(1, 1, 1, 1), values: [1]), constantFirst: true)
        let x = Tensor(shape: Shape(1, 1, 1, 3), values: [2, 0, -4])
        reciprocal.forward(x, into: x, context: ExecutionContext())
        XCTAssertEqual(x.array, [0.5, .infinity, -0.25])
    }

    func testErrors() throws {
        let layer = BroadcastBinary(.add)
        let cases: [([Shape], LayerConfigurationError)] = [
            ([Shape(1, 2, 3, 4)], .inputCountMismatch(expected: 2, actual: 1)),
            ([Shape(1, 2, 3, 4), Shape(1, 2, 3, 4), Shape(1, 2, 3, 4)], .inputCountMismatch(expected: 2, actual: 3)),
            ([Shape(1, 2, 3, 4), Shape(2, 3, 4)], .inputNotRank4(Shape(2, 3, 4))),
            ([Shape(1, 2, 3, 4), Shape(1, 3, 1, 1)], .notBroadcastable(Shape(1, 2, 3, 4), Shape(1, 3, 1, 1))),
            ([Shape(2, 2, 3, 4), Shape(3, 2, 3, 4)], .notBroadcastable(Shape(2, 2, 3, 4), Shape(3, 2, 3, 4))),
        ]
        for (shapes, expected) in cases {
            XCTAssertThrowsError(try layer.validatedOutputShape(for: shapes)) { error in
                XCTAssertEqual(error as? LayerConfigurationError, expected)
                XCTAssertFalse(String(describing: error).contains("\n"))
            }
        }
        XCTAssertThrowsError(try ConstantBinary(.mul, constant: Tensor(shape: Shape(3)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .constantNotRank4(Shape(3)))
        }
        let constant = try ConstantBinary(.mul, constant: Tensor(shape: Shape(1, 3, 1, 1)))
        XCTAssertThrowsError(try constant.validatedOutputShape(for: Shape(1, 1, 4, 4))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .notBroadcastable(Shape(1, 1, 4, 4), Shape(1, 3, 1, 1)), "a constant may not enlarge its input")
        }
        XCTAssertThrowsError(try constant.validatedOutputShape(for: Shape(1, 2, 4, 4)))
        XCTAssertEqual(try constant.validatedOutputShape(for: Shape(5, 3, 4, 4)), Shape(5, 3, 4, 4))
    }

    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 22)
        let a = Tensor(shape: Shape(2, 4, 48, 70), values: random.floats(2 * 4 * 48 * 70))
        for partnerShape in [a.shape, Shape(2, 4, 1, 1), Shape(2, 1, 48, 70)] {
            let b = Tensor(shape: partnerShape, values: random.floats(partnerShape.count))
            let layer = BroadcastBinary(.sub)
            let one = Tensor(shape: a.shape)
            let two = Tensor(shape: a.shape)
            layer.forward([b, a], into: one, context: ExecutionContext(threads: 1))
            layer.forward([b, a], into: two, context: ExecutionContext(threads: 2))
            XCTAssertEqual(one.array, two.array, "\(partnerShape)")
        }
    }
}
