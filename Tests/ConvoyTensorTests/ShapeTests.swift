import ConvoyTensor
import XCTest

final class ShapeTests: XCTestCase {
    func testAccessorsAndCount() {
        let shape = Shape(8, 3, 1080, 1920)
        XCTAssertEqual(shape.rank, 4)
        XCTAssertEqual(shape.count, 8 * 3 * 1080 * 1920)
        XCTAssertEqual([shape.n, shape.c, shape.h, shape.w], [8, 3, 1080, 1920])
        XCTAssertEqual(shape[2], 1080)
        XCTAssertEqual(shape, Shape([8, 3, 1080, 1920]))
        XCTAssertNotEqual(shape, Shape(8, 3, 1920, 1080))
    }

    func testDescription() {
        XCTAssertEqual(Shape(8, 3, 1080, 1920).description, "[8, 3, 1080, 1920]")
        XCTAssertEqual(Shape(5).description, "[5]")
        XCTAssertEqual(Shape().description, "[]")
    }

    func testScalarAndEmptyCounts() {
        XCTAssertEqual(Shape().count, 1)
        XCTAssertEqual(Shape(4, 0, 2).count, 0)
    }
}
