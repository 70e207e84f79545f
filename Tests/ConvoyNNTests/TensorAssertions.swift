import ConvoyTensor
import XCTest

/// Asserts that `got` has `expected`'s shape and that every element is within
/// `tolerance · max(1, max |expected|)` of it (the fixtures' tolerance, relative to the output's
/// scale).
func assertClose(
    _ got: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(got.shape, expected.shape, "\(message): shape", file: file, line: line)
    guard got.shape == expected.shape else {
        return
    }
    let want = expected.array
    let scale = max(1, want.map(abs).max() ?? 0)
    var worst: Float = 0
    var worstIndex = 0
    for (index, (a, b)) in zip(got.array, want).enumerated() {
        let error = (a - b).isNaN ? Float.infinity : abs(a - b)
        if error > worst {
            worst = error
            worstIndex = index
        }
    }
    XCTAssertTrue(
        worst <= tolerance * scale,
        "\(message): max error \(worst) at element \(worstIndex) (got \(got.array[worstIndex]), want \(want[worstIndex])), "
            + "allowed \(tolerance * scale)",
        file: file, line: line
    )
}
