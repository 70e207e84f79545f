import ConvoyWeights
import XCTest

final class PlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
