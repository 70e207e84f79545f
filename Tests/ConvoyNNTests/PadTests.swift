import ConvoyNN
import ConvoyTensor
import XCTest

/// Pad2d against numpy's `np.pad` semantics (which ONNX's reference implementation of `Pad`
/// calls), written here as index maps: `reflect` as a triangle wave of period `2 (n - 1)`,
/// `edge` as a clamp.
final class PadTests: XCTestCase {
    private func source(_ i: Int, _ n: Int, _ mode: PadMode) -> Int? {
        if i >= 0 && i < n { return i }
        switch mode {
        case .constant: return nil
        case .edge: return i < 0 ? 0 : n - 1
        case .reflect:
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            let m = ((i % period) + period) % period
            return m < n ? m : period - m
        }
    }

    private func reference(_ x: DoubleReference.Array4, _ layer: Pad2d) -> [Float] {
        let s = x.shape
        let out = layer.outputShape(for: s)
        let fill: Float
        if case .constant(let value) = layer.mode { fill = value } else { fill = 0 }
        var values: [Float] = []
        for n in 0..<out.n {
            for c in 0..<out.c {
                for y in 0..<out.h {
                    for xx in 0..<out.w {
                        if let sc = source(c - layer.channels.begin, s.c, layer.mode), let sy = source(y - layer.rows.begin, s.h, layer.mode),
                           let sx = source(xx - layer.columns.begin, s.w, layer.mode) {
                            values.append(Float(x[n, sc, sy, sx]))
                        } else {
                            values.append(fill)
                        }
                    }
                }
            }
        }
        return values
    }

    func testModesAndPadsAgainstReference() throws {
        var random = SeededGenerator(seed: 51)
        let input = Tensor(shape: Shape(2, 3, 4, 5), values: random.floats(120))
        let x = DoubleReference.Array4(input)
        let pads: [((Int, Int), (Int, Int), (Int, Int))] = [
            ((0, 0), (1, 1), (1, 1)), ((0, 0), (0, 2), (3, 0)), ((0, 0), (2, 3), (4, 6)), // longer than the input: reflects again
            ((0, 0), (-1, 1), (2, -2)), ((1, 2), (1, 0), (0, 1)), ((0, 0), (0, 0), (0, 0)),
        ]
        for mode in [PadMode.constant(0), .constant(-2.5), .reflect, .edge] {
            for (channels, rows, columns) in pads {
                let layer = Pad2d(channels: channels, rows: rows, columns: columns, mode: mode)
                let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
                output.fill(.nan)
                layer.forward(input, into: output, context: ExecutionContext())
                XCTAssertEqual(output.array, reference(x, layer), "\(mode) c \(channels) rows \(rows) columns \(columns)")
                let parallel = Tensor(shape: output.shape)
                layer.forward(input, into: parallel, context: ExecutionContext(threads: 2))
                XCTAssertEqual(parallel.array, output.array)
            }
        }
    }

    func testHandValues() throws {
        let input = Tensor(shape: Shape(1, 1, 1, 4), values: [1, 2, 3, 4])
        let cases: [(PadMode, [Float])] = [(.reflect, [3, 2, 1, 2, 3, 4, 3, 2]), (.edge, [1, 1, 1, 2, 3, 4, 4, 4]), (.constant(9), [9, 9, 1, 2, 3, 4, 9, 9])]
        for (mode, want) in cases {
            let layer = Pad2d(rows: (0, 0), columns: (2, 2), mode: mode)
            let output = Tensor(shape: layer.outputShape(for: input.shape))
            layer.forward(input, into: output, context: ExecutionContext())
            XCTAssertEqual(output.array, want, "\(mode)")
        }
        let one = Tensor(shape: Shape(1, 1, 1, 1), values: [7])
        let reflectOne = Pad2d(rows: (1, 1), columns: (0, 2), mode: .reflect)
        let output = Tensor(shape: reflectOne.outputShape(for: one.shape))
        reflectOne.forward(one, into: output, context: ExecutionContext())
        XCTAssertEqual(output.array, [Float](repeating: 7, count: 9), "numpy reflects a single sample onto itself")
    }

    func testErrors() {
        let crop = Pad2d(rows: (-2, 0), columns: (0, 0), mode: .edge)
        XCTAssertThrowsError(try crop.validatedOutputShape(for: Shape(1, 1, 2, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .padsEmptyOutput(input: Shape(1, 1, 2, 3), begin: [0, -2, 0], end: [0, 0, 0]))
        }
        XCTAssertEqual(try crop.validatedOutputShape(for: Shape(1, 1, 3, 3)), Shape(1, 1, 1, 3))
        XCTAssertThrowsError(try crop.validatedOutputShape(for: Shape(3, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(3, 3)))
        }
    }
}
