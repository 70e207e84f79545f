import XCTest

extension ConvoyTestCase {
    /// Asserts every plane of every frame agrees within `tolerance` away from a `margin`-sample border.
    func assertAgree(_ actual: RawVideo, _ expected: RawVideo, margin: Int, tolerance: Int,
                     file: StaticString = #filePath, line: UInt = #line) {
        var failures: [String] = []
        for frame in 0..<min(actual.frameCount, expected.frameCount) {
            for plane in 0..<actual.planes.count {
                let difference = PlaneDifference.compare(actual, expected, plane: plane, frame: frame, margin: margin, tolerance: tolerance)
                if difference.beyondTolerance > 0 { failures.append("frame \(frame) plane \(plane): \(difference)") }
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) planes differ from ffmpeg by more than \(tolerance): "
                      + failures.prefix(6).joined(separator: "; "), file: file, line: line)
    }
}
