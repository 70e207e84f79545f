import ConvoyTensor
import XCTest

final class Im2colTests: XCTestCase {
    /// Packs every column of one image and group into a [K × columnsPerImage] array.
    private func pack(_ geometry: Conv2dGeometry, _ image: [Float], group: Int = 0, start: Int = 0, count: Int? = nil) -> [Float] {
        let columnCount = count ?? geometry.columnsPerImage
        var columns = [Float](repeating: .nan, count: geometry.rowsPerGroup * columnCount)
        image.withUnsafeBufferPointer { source in
            columns.withUnsafeMutableBufferPointer { destination in
                Im2col.pack(
                    geometry: geometry, image: source.baseAddress!, group: group,
                    columnStart: start, columnCount: columnCount, into: destination.baseAddress!
                )
            }
        }
        return columns
    }

    private let image3x3: [Float] = [
        1, 2, 3,
        4, 5, 6,
        7, 8, 9,
    ]

    private func geometry3x3(_ border: BorderMode) -> Conv2dGeometry {
        Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 3, inputWidth: 3,
            outChannels: 1, kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1, border: border
        )
    }

    // Rows: kernel tap (i, j) as r = i * 3 + j. Columns: output position p = oy * 3 + ox.
    private let expectedZero: [[Float]] = [
        [0, 0, 0, 0, 1, 2, 0, 4, 5],
        [0, 0, 0, 1, 2, 3, 4, 5, 6],
        [0, 0, 0, 2, 3, 0, 5, 6, 0],
        [0, 1, 2, 0, 4, 5, 0, 7, 8],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [2, 3, 0, 5, 6, 0, 8, 9, 0],
        [0, 4, 5, 0, 7, 8, 0, 0, 0],
        [4, 5, 6, 7, 8, 9, 0, 0, 0],
        [5, 6, 0, 8, 9, 0, 0, 0, 0],
    ]

    private let expectedReplicate: [[Float]] = [
        [1, 1, 2, 1, 1, 2, 4, 4, 5],
        [1, 2, 3, 1, 2, 3, 4, 5, 6],
        [2, 3, 3, 2, 3, 3, 5, 6, 6],
        [1, 1, 2, 4, 4, 5, 7, 7, 8],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [2, 3, 3, 5, 6, 6, 8, 9, 9],
        [4, 4, 5, 7, 7, 8, 7, 7, 8],
        [4, 5, 6, 7, 8, 9, 7, 8, 9],
        [5, 6, 6, 8, 9, 9, 8, 9, 9],
    ]

    private let expectedReflect: [[Float]] = [
        [5, 4, 5, 2, 1, 2, 5, 4, 5],
        [4, 5, 6, 1, 2, 3, 4, 5, 6],
        [5, 6, 5, 2, 3, 2, 5, 6, 5],
        [2, 1, 2, 5, 4, 5, 8, 7, 8],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [2, 3, 2, 5, 6, 5, 8, 9, 8],
        [5, 4, 5, 8, 7, 8, 5, 4, 5],
        [4, 5, 6, 7, 8, 9, 4, 5, 6],
        [5, 6, 5, 8, 9, 8, 5, 6, 5],
    ]

    private func expected(_ border: BorderMode) -> [[Float]] {
        switch border {
        case .zero: return expectedZero
        case .replicate: return expectedReplicate
        case .reflect: return expectedReflect
        }
    }

    func testThreeByThreeKernelPaddedByOneEachBorderMode() {
        for border in BorderMode.allCases {
            XCTAssertEqual(pack(geometry3x3(border), image3x3), expected(border).flatMap { $0 }, "\(border)")
        }
    }

    /// A tile that starts and ends mid-row is the matching column slice of the full matrix.
    func testPartialColumnRangeIsSliceOfFullMatrix() {
        for border in BorderMode.allCases {
            let tile = pack(geometry3x3(border), image3x3, start: 2, count: 5)
            let slice = expected(border).flatMap { $0[2..<7] }
            XCTAssertEqual(tile, slice, "\(border)")
        }
    }

    /// Stride 2 and dilation 2 on a 4×5 image holding 0…19: tap (i, j) of output (0, ox) reads
    /// input (2i, 2ox + 2j).
    func testStrideAndDilation() {
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 4, inputWidth: 5,
            outChannels: 1, kernelHeight: 2, kernelWidth: 2,
            strideY: 2, strideX: 2, dilationY: 2, dilationX: 2
        )
        XCTAssertEqual(geometry.outputHeight, 1)
        XCTAssertEqual(geometry.outputWidth, 2)
        let image = (0..<20).map(Float.init)
        XCTAssertEqual(pack(geometry, image), [
            0, 2,
            2, 4,
            10, 12,
            12, 14,
        ])
    }

    /// Group 1 of a 4-channel, 2-group 1×1 convolution packs channels 2 and 3.
    func testGroupSelectsItsChannels() {
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 4, inputHeight: 1, inputWidth: 2,
            outChannels: 2, kernelHeight: 1, kernelWidth: 1, groups: 2
        )
        let image: [Float] = [10, 11, 20, 21, 30, 31, 40, 41]
        XCTAssertEqual(pack(geometry, image, group: 0), [10, 11, 20, 21])
        XCTAssertEqual(pack(geometry, image, group: 1), [30, 31, 40, 41])
    }

    /// Two channels with a 1×2 kernel: rows are ordered (channel, kernel row, kernel column), as
    /// the tail of an OIHW weight.
    func testRowOrderFollowsWeightLayout() {
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 2, inputHeight: 1, inputWidth: 3,
            outChannels: 1, kernelHeight: 1, kernelWidth: 2
        )
        let image: [Float] = [1, 2, 3, 7, 8, 9]
        XCTAssertEqual(pack(geometry, image), [
            1, 2,
            2, 3,
            7, 8,
            8, 9,
        ])
    }
}
