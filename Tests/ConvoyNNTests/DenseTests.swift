import ConvoyNN
import ConvoyTensor
import XCTest

/// Dense (ONNX Gemm with transB = 1, PyTorch Linear) against a `Double` dot product.
final class DenseTests: XCTestCase {
    func testAgainstReference() throws {
        var random = SeededGenerator(seed: 61)
        for (inputShape, outFeatures, alpha, beta, biasCount) in [
            (Shape(3, 10, 1, 1), 4, Float(1), Float(1), 4), (Shape(2, 3, 2, 5), 7, 0.5, 2, 1), (Shape(1, 6, 1, 1), 1, 1, 1, 0),
        ] {
            let k = inputShape.c * inputShape.h * inputShape.w
            let input = Tensor(shape: inputShape, values: random.floats(inputShape.count))
            let weight = Tensor(shape: Shape(outFeatures, k), values: random.floats(outFeatures * k))
            let bias = biasCount == 0 ? nil : Tensor(shape: Shape(biasCount), values: random.floats(biasCount))
            let layer = try Dense(weight: weight, bias: bias, alpha: alpha, beta: beta)
            let output = Tensor(shape: try layer.validatedOutputShape(for: inputShape))
            XCTAssertEqual(output.shape, Shape(inputShape.n, outFeatures, 1, 1))
            output.fill(.nan)
            layer.forward(input, into: output, context: ExecutionContext())
            let x = input.array.map(Double.init)
            let w = weight.array.map(Double.init)
            for n in 0..<inputShape.n {
                for o in 0..<outFeatures {
                    var sum = 0.0
                    for i in 0..<k { sum += x[n * k + i] * w[o * k + i] }
                    let b = bias.map { Double($0.array[biasCount == 1 ? 0 : o]) } ?? 0
                    let want = Double(alpha) * sum + Double(beta) * b
                    XCTAssertEqual(Double(output.array[n * outFeatures + o]), want, accuracy: 1e-5, "\(inputShape) n \(n) o \(o)")
                }
            }
        }
    }

    func testErrors() throws {
        XCTAssertThrowsError(try Dense(weight: Tensor(shape: Shape(2, 3, 1, 1)), bias: nil)) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .weightNotRank2(Shape(2, 3, 1, 1)))
        }
        XCTAssertThrowsError(try Dense(weight: Tensor(shape: Shape(2, 3)), bias: Tensor(shape: Shape(3)))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .biasShapeMismatch(expected: Shape(2), actual: Shape(3)))
        }
        let layer = try Dense(weight: Tensor(shape: Shape(2, 12)), bias: nil)
        XCTAssertEqual(try layer.validatedOutputShape(for: Shape(5, 3, 2, 2)), Shape(5, 2, 1, 1))
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(5, 3, 2, 3))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputChannelMismatch(expected: 12, actual: 18))
        }
        XCTAssertThrowsError(try layer.validatedOutputShape(for: Shape(5, 12))) { error in
            XCTAssertEqual(error as? LayerConfigurationError, .inputNotRank4(Shape(5, 12)))
        }
    }
}
