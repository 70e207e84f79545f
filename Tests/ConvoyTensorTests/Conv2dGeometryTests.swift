import ConvoyTensor
import XCTest

final class Conv2dGeometryTests: XCTestCase {
    /// The three examples of PyTorch's `nn.Conv2d` documentation, on a [20, 16, 50, 100] input.
    func testPyTorchDocumentationExamples() {
        // nn.Conv2d(16, 33, 3, stride=2)
        let square = Conv2dGeometry(
            batch: 20, inChannels: 16, inputHeight: 50, inputWidth: 100,
            outChannels: 33, kernelHeight: 3, kernelWidth: 3, strideY: 2, strideX: 2
        )
        XCTAssertEqual(square.outputShape, Shape(20, 33, 24, 49))

        // nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
        let padded = Conv2dGeometry(
            batch: 20, inChannels: 16, inputHeight: 50, inputWidth: 100,
            outChannels: 33, kernelHeight: 3, kernelWidth: 5, strideY: 2, strideX: 1, padY: 4, padX: 2
        )
        XCTAssertEqual(padded.outputShape, Shape(20, 33, 28, 100))

        // nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
        let dilated = Conv2dGeometry(
            batch: 20, inChannels: 16, inputHeight: 50, inputWidth: 100,
            outChannels: 33, kernelHeight: 3, kernelWidth: 5, strideY: 2, strideX: 1,
            padY: 4, padX: 2, dilationY: 3, dilationX: 1
        )
        XCTAssertEqual(dilated.outputShape, Shape(20, 33, 26, 100))
    }

    func testDerivedSizes() {
        let geometry = Conv2dGeometry(
            batch: 2, inChannels: 6, inputHeight: 7, inputWidth: 9,
            outChannels: 4, kernelHeight: 3, kernelWidth: 5, padY: 1, padX: 2, groups: 2
        )
        XCTAssertEqual(geometry.outputHeight, 7)
        XCTAssertEqual(geometry.outputWidth, 9)
        XCTAssertEqual(geometry.inChannelsPerGroup, 3)
        XCTAssertEqual(geometry.outChannelsPerGroup, 2)
        XCTAssertEqual(geometry.columnsPerImage, 63)
        XCTAssertEqual(geometry.rowsPerGroup, 3 * 3 * 5)
        XCTAssertEqual(geometry.inputShape, Shape(2, 6, 7, 9))
        XCTAssertEqual(geometry.outputShape, Shape(2, 4, 7, 9))
        XCTAssertEqual(geometry.weightShape, Shape(4, 3, 3, 5))
        XCTAssertFalse(geometry.isPointwise)
    }

    /// Floor division: 1080p with a 3×3 kernel, stride 2, pad 1 gives 540×960; 7 wide with
    /// kernel 2, stride 3 gives (7 - 2) / 3 + 1 = 2.
    func testStrideRoundsDown() {
        let hd = Conv2dGeometry(
            batch: 1, inChannels: 3, inputHeight: 1080, inputWidth: 1920,
            outChannels: 8, kernelHeight: 3, kernelWidth: 3, strideY: 2, strideX: 2, padY: 1, padX: 1
        )
        XCTAssertEqual([hd.outputHeight, hd.outputWidth], [540, 960])
        let narrow = Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 1, inputWidth: 7,
            outChannels: 1, kernelHeight: 1, kernelWidth: 2, strideX: 3
        )
        XCTAssertEqual(narrow.outputWidth, 2)
    }

    func testDefaults() {
        let geometry = Conv2dGeometry(
            batch: 1, inChannels: 1, inputHeight: 4, inputWidth: 4,
            outChannels: 1, kernelHeight: 1, kernelWidth: 1
        )
        XCTAssertEqual(
            [geometry.strideY, geometry.strideX, geometry.padY, geometry.padX, geometry.dilationY, geometry.dilationX, geometry.groups],
            [1, 1, 0, 0, 1, 1, 1]
        )
        XCTAssertEqual(geometry.border, .zero)
        XCTAssertTrue(geometry.isPointwise)
    }
}
