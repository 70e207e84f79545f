import ConvoyFiles
import Foundation
import XCTest

/// The target appears only when a staged file is committed, whole; every other ending leaves the
/// directory as it was.
final class StagedFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    func testCommitRenamesTheWholeFileOntoTheTarget() throws {
        let target = directory + "/out.csv"
        let file = try StagedFile.create(target: target)
        XCTAssertEqual(file.temporaryPath, directory + "/.out.csv.convoy-\(getpid()).tmp")
        try file.write(line: "header")
        try file.write(Data("xx\n".utf8))
        try file.seek(to: 0)
        try file.write(Data("H".utf8))
        XCTAssertEqual(try listing(), [".out.csv.convoy-\(getpid()).tmp"], "only the temporary exists while writing")
        try file.commit()
        XCTAssertEqual(try listing(), ["out.csv"])
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "Header\nxx\n")
    }

    func testDiscardAndDeinitLeaveNothing() throws {
        let target = directory + "/out.npy"
        let discarded = try StagedFile.create(target: target)
        try discarded.write(Data([1, 2, 3]))
        discarded.discard()
        XCTAssertEqual(try listing(), [])
        do {
            let dropped = try StagedFile.create(target: target)
            try dropped.write(Data([1]))
        }
        XCTAssertEqual(try listing(), [], "a staged file dropped without a commit is removed")
    }

    func testPartsAreAssembledAndRemoved() throws {
        let target = directory + "/out.safetensors"
        let parts = try (0..<2).map { try StagedFile.create(target: target, part: $0) }
        XCTAssertEqual(parts[1].temporaryPath, directory + "/.out.safetensors.convoy-\(getpid()).part1.tmp")
        try parts[0].write(Data("abc".utf8))
        try parts[1].write(Data("def".utf8))
        let whole = try StagedFile.create(target: target)
        for part in parts { try whole.append(contentsOf: part) }
        try whole.commit()
        for part in parts { part.discard() }
        XCTAssertEqual(try listing(), ["out.safetensors"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), Data("abcdef".utf8))
    }

    func testAnAbortRemovesEveryRegisteredTemporary() throws {
        let file = try StagedFile.create(target: directory + "/out.mp4")
        try file.write(Data([0]))
        let reserved = StagedFile(reserving: directory + "/other.mkv")
        XCTAssertTrue(FileManager.default.createFile(atPath: reserved.temporaryPath, contents: Data([0])))
        TemporaryFiles.removeAll()
        XCTAssertEqual(try listing(), [], "both temporaries are gone, as after a second Ctrl-C")
    }

    func testACreateThatFailsNamesTheTarget() throws {
        let target = directory + "/no/such/dir/out.csv"
        XCTAssertThrowsError(try StagedFile.create(target: target)) { error in
            guard let error = error as? FileError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .cannotCreate)
            XCTAssertEqual(error.description, "\(target): cannot create the output (No such file or directory).")
        }
    }

    func testACommitThatCannotRenameRemovesTheTemporary() throws {
        // A directory in the target's place: rename(2) cannot put a file over it.
        let target = directory + "/taken"
        try FileManager.default.createDirectory(atPath: target + "/inside", withIntermediateDirectories: true)
        let file = try StagedFile.create(target: target)
        try file.write(Data([1]))
        XCTAssertThrowsError(try file.commit()) { error in
            XCTAssertEqual((error as? FileError)?.kind, .cannotCreate, "\(error)")
        }
        XCTAssertEqual(try listing(), ["taken"], "the temporary is removed and the target untouched")
    }
}
