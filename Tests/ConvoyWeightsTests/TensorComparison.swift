import ConvoyTensor
import XCTest

/// Compares tensors with the fixtures' tolerance rule: `max |got - expected| <= tolerance *
/// max(1, max |expected|)`.
func assertClose(
    _ got: Tensor,
    _ expected: Tensor,
    tolerance: Float,
    _ message: String = "",
    file: StaticString = #filePath,
    line: UInt = #line
) {
    XCTAssertEqual(got.shape, expected.shape, message, file: file, line: line)
    guard got.shape == expected.shape else { return }
    let a = got.array
    let b = expected.array
    let scale = max(1, b.map(abs).max() ?? 0)
    var worst: Float = 0
    for i in a.indices {
        let difference = abs(a[i] - b[i])
        if !(difference <= worst) {
            worst = difference.isNaN ? .infinity : difference
        }
    }
    XCTAssertLessThanOrEqual(worst, tolerance * scale, "\(message): max difference \(worst), scale \(scale)", file: file, line: line)
}
