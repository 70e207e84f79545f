import Foundation
import XCTest

/// Real photographs from a package: scikit-image's bundled sample pictures (astronaut.png,
/// rocket.jpg, logo.png with alpha, chessboard_RGB.png at 16 bits, …), which `make test-venv`
/// installs into the project's .venv (`pip install --no-deps scikit-image`); read from its
/// site-packages, never committed. `CONVOY_TEST_PICTURES` may name another folder holding them.
enum SamplePictures {
    static let folder: String? = {
        if let path = ProcessInfo.processInfo.environment["CONVOY_TEST_PICTURES"], !path.isEmpty { return path }
        let lib = Tools.packageRoot.appendingPathComponent(".venv/lib").path
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).filter { $0.hasPrefix("python3") }.sorted()
        for version in versions.reversed() {
            let data = "\(lib)/\(version)/site-packages/skimage/data"
            if FileManager.default.fileExists(atPath: "\(data)/astronaut.png") { return data }
        }
        return nil
    }()

    /// The path of the sample picture `name`, or a skip saying how to get them.
    static func path(_ name: String) throws -> String {
        guard let folder else {
            throw XCTSkip("scikit-image's sample pictures are not installed in .venv (make test-venv installs them when pip can reach PyPI)")
        }
        return "\(folder)/\(name)"
    }
}
