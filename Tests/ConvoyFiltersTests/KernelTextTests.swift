import ConvoyFilters
import XCTest

final class KernelTextTests: XCTestCase {
    func testMatrixTextAlignsColumnsAndShowsTheDivisor() {
        XCTAssertEqual(
            BuiltInKernel.gaussian.defaultKernel.matrixText,
            """
            [ 1  2  1 ]
            [ 2  4  2 ] / 16
            [ 1  2  1 ]
            """
        )
        XCTAssertEqual(
            BuiltInKernel.sharpen.defaultKernel.matrixText,
            """
            [  0  -1   0 ]
            [ -1   5  -1 ]
            [  0  -1   0 ]
            """
        )
    }

    func testMatrixTextShowsScaleBiasAndBothGradientMatrices() throws {
        let sobel = try KernelSpec.parse("sobel:scale=0.5,bias=0.25")
        XCTAssertEqual(
            sobel.matrixText,
            """
                                  [ -1  0  1 ]       [ -1  -2  -1 ]
            sqrt( x² + y² ),  x = [ -2  0  2 ],  y = [  0   0   0 ] × 0.5 + 0.25
                                  [ -1  0  1 ]       [  1   2   1 ]
            """
        )
    }

    func testMatrixTextShortensLongDecimals() throws {
        let kernel = try KernelSpec.parse("gaussian:sigma=1,size=3")
        let lines = kernel.matrixText.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], "[ 0.3679  0.6065  0.3679 ]")
        XCTAssertTrue(lines[1].hasPrefix("[ 0.6065       1  0.6065 ] / 4.898"), String(lines[1]))
    }

    func testInlineTextReadsBackAsTheSameKernel() throws {
        let specs = [
            "identity", "box:size=5", "gaussian", "gaussian:size=7", "gaussian:sigma=1.3", "sharpen:scale=2",
            "emboss:bias=0.5", "laplacian:scale=-1.5,bias=0.125", "sobel-x", "sobel-y", "prewitt-x", "prewitt-y",
            "[1 2 1]/3", "[0.1 -0.2 0.7; 1e-3 5 -6; 7 8 9]:bias=-0.5", "[1 2 3]/-7:scale=0.001",
        ]
        for spec in specs {
            let kernel = try KernelSpec.parse(spec)
            let reread = try KernelSpec.parse(kernel.inlineText)
            XCTAssertEqual(reread.matrix, kernel.matrix, spec)
            XCTAssertEqual(reread.divisor, kernel.divisor, spec)
            XCTAssertEqual(reread.scale, kernel.scale, spec)
            XCTAssertEqual(reread.bias, kernel.bias, spec)
            XCTAssertEqual(reread.weights, kernel.weights, spec)
        }
        XCTAssertEqual(try KernelSpec.parse("gaussian").inlineText, "[1 2 1; 2 4 2; 1 2 1]")
        XCTAssertEqual(try KernelSpec.parse("[1 2 1]/3:bias=0.5").inlineText, "[1 2 1]/3:bias=0.5")
    }

    func testInlineTextOfAGradientKernelShowsBothMatrices() {
        XCTAssertEqual(
            BuiltInKernel.prewitt.defaultKernel.inlineText,
            "|[-1 0 1; -1 0 1; -1 0 1], [-1 -1 -1; 0 0 0; 1 1 1]|"
        )
    }
}
