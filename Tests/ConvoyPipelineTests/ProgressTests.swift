import ConvoyPipeline
import Foundation
import XCTest

final class ProgressTests: XCTestCase {
    func testSnapshotEncodesTheDocumentedKeys() throws {
        let snapshot = ProgressSnapshot(frames: 12, fps: 24.5, outTime: 0.5, elapsed: 0.49, eta: 1.5, progress: "continue")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(snapshot)) as? [String: Any]
        XCTAssertEqual(object?["frames"] as? Int, 12)
        XCTAssertEqual(object?["out_time"] as? Double, 0.5)
        XCTAssertEqual(object?["progress"] as? String, "continue")
        XCTAssertEqual(Set(object?.keys.map { $0 } ?? []), ["frames", "fps", "out_time", "elapsed", "eta", "progress"])
    }
}
