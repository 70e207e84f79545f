import Foundation
import XCTest

/// Temporary directories and bundled fixtures for the tests.
enum TestFiles {
    /// The package's root folder (Samples/, Package.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A fresh empty directory under the system's temporary directory; removed by the caller.
    static func makeTemporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("convoy-weights-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The path of a file in Fixtures/ (copied into the test bundle).
    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw XCTSkip("the Fixtures resource directory is missing from the test bundle")
        }
        return url.appendingPathComponent(name).path
    }

    /// The bytes of a safetensors file with this header text and data, and a header length
    /// field that is the header's length unless `headerLength` says otherwise.
    static func safetensors(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> Data {
        let headerBytes = Array(header.utf8)
        var file = Data()
        withUnsafeBytes(of: (headerLength ?? UInt64(headerBytes.count)).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: headerBytes)
        file.append(contentsOf: data)
        return file
    }
}
