import ConvoyTensor
import XCTest

/// Border semantics on a 1-D row, with the expected values of PyTorch's `padding_mode` and
/// numpy's `np.pad` written out.
final class BorderModeTests: XCTestCase {
    /// Row [a b c d] (indices 0…3) read at -3 … 6.
    func testSourceIndexOnFourSampleRow() {
        let indices = Array(-3...6)
        XCTAssertEqual(indices.map { BorderMode.zero.sourceIndex($0, count: 4) },
                       [nil, nil, nil, 0, 1, 2, 3, nil, nil, nil])
        XCTAssertEqual(indices.map { BorderMode.replicate.sourceIndex($0, count: 4) },
                       [0, 0, 0, 0, 1, 2, 3, 3, 3, 3])
        // np.pad([a, b, c, d], 3, "reflect") = [d c b | a b c d | c b a]
        XCTAssertEqual(indices.map { BorderMode.reflect.sourceIndex($0, count: 4) },
                       [3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
    }

    /// Padding beyond size - 1 keeps folding, as np.pad does:
    /// np.pad([1, 2, 3], 4, "reflect") = [1 2 3 2 | 1 2 3 | 2 1 2 3].
    func testReflectFoldsRepeatedly() {
        let values: [Float] = [1, 2, 3]
        let read = (-4...6).map { values[BorderMode.reflect.sourceIndex($0, count: 3)!] }
        XCTAssertEqual(read, [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3])
    }

    func testSingleSampleAxisReadsItsSample() {
        for index in -5...5 {
            XCTAssertEqual(BorderMode.reflect.sourceIndex(index, count: 1), 0)
            XCTAssertEqual(BorderMode.replicate.sourceIndex(index, count: 1), 0)
        }
        XCTAssertNil(BorderMode.zero.sourceIndex(1, count: 1))
    }

    /// The same semantics through the convolution: a 1×5 kernel with a single tap picks the
    /// input sample 2 to the left (or right) of each output, on a [1 2 3 4] row padded by 2.
    func testConvolutionReadsPaddingPerMode() {
        let row = Tensor(shape: Shape(1, 1, 1, 4), values: [1, 2, 3, 4])
        let leftTap = Tensor(shape: Shape(1, 1, 1, 5), values: [1, 0, 0, 0, 0])
        let rightTap = Tensor(shape: Shape(1, 1, 1, 5), values: [0, 0, 0, 0, 1])
        let expected: [BorderMode: (left: [Float], right: [Float])] = [
            .zero: ([0, 0, 1, 2], [3, 4, 0, 0]),
            .replicate: ([1, 1, 1, 2], [3, 4, 4, 4]),
            .reflect: ([3, 2, 1, 2], [3, 4, 3, 2]),
        ]
        for mode in BorderMode.allCases {
            let geometry = Conv2dGeometry(
                batch: 1, inChannels: 1, inputHeight: 1, inputWidth: 4,
                outChannels: 1, kernelHeight: 1, kernelWidth: 5, padX: 2, border: mode
            )
            XCTAssertEqual(geometry.outputShape, Shape(1, 1, 1, 4))
            for (weight, want) in [(leftTap, expected[mode]!.left), (rightTap, expected[mode]!.right)] {
                let output = Tensor(shape: geometry.outputShape)
                Convolution.forward(
                    input: row, weight: weight, bias: nil, geometry: geometry, output: output,
                    workspace: Workspace(), gemm: OneDNNMatrixMultiplier()
                )
                XCTAssertEqual(output.array, want, "\(mode)")
                XCTAssertEqual(DirectConvolution.forward(input: row, weight: weight, bias: nil, geometry: geometry).array, want, "\(mode) direct")
            }
        }
    }

    /// Vertical padding larger than the image: a 3-row column padded by 4 with a 9-tap kernel
    /// picking the top tap reads rows -4, -3, -2.
    func testConvolutionReflectsPaddingLargerThanInput() {
        let column = Tensor(shape: Shape(1, 1, 3, 1), values: [1, 2, 3])
        var taps = [Float](repeating: 0, count: 9)
        taps[0] = 1
        let weight = Tensor(shape: Shape(1, 1, 9, 1), values: taps)
        let expected: [BorderMode: [Float]] = [.zero: [0, 0, 0], .replicate: [1, 1, 1], .reflect: [1, 2, 3]]
        for mode in BorderMode.allCases {
            let geometry = Conv2dGeometry(
                batch: 1, inChannels: 1, inputHeight: 3, inputWidth: 1,
                outChannels: 1, kernelHeight: 9, kernelWidth: 1, padY: 4, border: mode
            )
            let output = Tensor(shape: geometry.outputShape)
            Convolution.forward(
                input: column, weight: weight, bias: nil, geometry: geometry, output: output,
                workspace: Workspace(), gemm: OneDNNMatrixMultiplier()
            )
            XCTAssertEqual(output.array, expected[mode]!, "\(mode)")
        }
    }
}
