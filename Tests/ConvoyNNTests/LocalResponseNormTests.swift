import ConvoyNN
import ConvoyTensor
import Foundation
import XCTest

/// LocalResponseNorm against a `Double` loop written from ONNX's `LRN` definition.
final class LocalResponseNormTests: XCTestCase {
    func testAgainstReference() throws {
        var random = SeededGenerator(seed: 91)
        let input = Tensor(shape: Shape(2, 7, 3, 4), values: random.floats(168).map { $0 * 3 })
        let x = DoubleReference.Array4(input)
        for (size, alpha, beta, bias) in [(5, 1e-4, 0.75, 1.0), (2, 0.5, 0.5, 2.0), (1, 1.0, 1.0, 1.0), (4, 2.0, 0.9, 0.5), (9, 0.1, 0.75, 1.0)] {
            let layer = try LocalResponseNorm(size: size, alpha: Float(alpha), beta: Float(beta), bias: Float(bias))
            let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
            output.fill(.nan)
            layer.forward(input, into: output, context: ExecutionContext())
            var want: [Float] = []
            for n in 0..<2 {
                for c in 0..<7 {
                    for y in 0..<3 {
                        for xx in 0..<4 {
                            // ONNX: the window is [c - floor((size-1)/2), c + ceil((size-1)/2)], cut to the channels.
                            let low = max(0, c - Int(floor(Double(size - 1) / 2)))
                            let high = min(6, c + Int(ceil(Double(size - 1) / 2)))
                            let squareSum = (low...high).reduce(0.0) { $0 + x[n, $1, y, xx] * x[n, $1, y, xx] }
                            want.append(Float(x[n, c, y, xx] / pow(bias + alpha / Double(size) * squareSum, beta)))
                        }
                    }
                }
            }
            assertClose(output, Tensor(shape: input.shape, values: want), tolerance: 1e-6, "size \(size)")
            let parallel = Tensor(shape: input.shape)
            layer.forward(input, into: parallel, context: ExecutionContext(threads: 2))
            XCTAssertEqual(parallel.array, output.array)
        }
        XCTAssertThrowsError(try LocalResponseNorm(size: 0)) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .nonPositiveWindow(0))
        }
        XCTAssertThrowsError(try LocalResponseNorm(size: 3).validatedOutputShape(for: Shape(2, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(2, 3)))
        }
    }
}
