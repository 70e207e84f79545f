import ConvoyTensor
import XCTest

final class TensorTests: XCTestCase {
    func testZeroFilledAndAligned() {
        let tensor = Tensor(shape: Shape(2, 3, 5, 7))
        XCTAssertEqual(tensor.count, 210)
        XCTAssertTrue(tensor.array.allSatisfy { $0 == 0 })
        XCTAssertEqual(Int(bitPattern: tensor.pointer) % 64, 0)
    }

    func testNCHWSubscriptMatchesRowMajorLayout() {
        let values = (0..<(2 * 3 * 4 * 5)).map(Float.init)
        let tensor = Tensor(shape: Shape(2, 3, 4, 5), values: values)
        XCTAssertEqual(tensor[n: 0, c: 0, h: 0, w: 0], 0)
        XCTAssertEqual(tensor[n: 0, c: 0, h: 0, w: 4], 4)
        XCTAssertEqual(tensor[n: 0, c: 0, h: 1, w: 0], 5)
        XCTAssertEqual(tensor[n: 0, c: 1, h: 0, w: 0], 20)
        XCTAssertEqual(tensor[n: 1, c: 2, h: 3, w: 4], 119)
        tensor[n: 1, c: 0, h: 2, w: 1] = -1
        XCTAssertEqual(tensor.array[60 + 10 + 1], -1)
    }

    func testReshapedSharesStorage() {
        let tensor = Tensor(shape: Shape(1, 2, 2, 3), values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        let flat = tensor.reshaped(Shape(12))
        XCTAssertTrue(flat.storage === tensor.storage)
        XCTAssertEqual(flat.array, tensor.array)
        flat.pointer[11] = 0
        XCTAssertEqual(tensor[n: 0, c: 1, h: 1, w: 2], 0)
    }

    func testResizedReusesStorageWhenItFits() {
        let big = Tensor(shape: Shape(8, 3, 4, 4))
        let smaller = big.resized(to: Shape(5, 3, 4, 4))
        XCTAssertTrue(smaller.storage === big.storage)
        XCTAssertEqual(smaller.shape, Shape(5, 3, 4, 4))
        let sameAgain = smaller.resized(to: Shape(8, 3, 4, 4))
        XCTAssertTrue(sameAgain.storage === big.storage, "capacity, not the current shape, decides reuse")
        let larger = big.resized(to: Shape(9, 3, 4, 4))
        XCTAssertFalse(larger.storage === big.storage)
        XCTAssertGreaterThanOrEqual(larger.storage.capacity, larger.count)
    }

    func testFill() {
        let tensor = Tensor(shape: Shape(1, 1, 2, 2))
        tensor.fill(2.5)
        XCTAssertEqual(tensor.array, [2.5, 2.5, 2.5, 2.5])
    }
}
