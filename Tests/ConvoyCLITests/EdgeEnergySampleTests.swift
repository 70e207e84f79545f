import Foundation
import XCTest

/// The `edge-energy` sample program (Convoy used as a library): a CSV header, then one line per
/// frame with its time and mean Sobel magnitude.
final class EdgeEnergySampleTests: ConvoyTestCase {
    private struct Row { var time: Double; var energy: Double }

    private func run(_ input: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Row] {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Tools.edgeEnergy), "no edge-energy at \(Tools.edgeEnergy)", file: file, line: line)
        let result = try ProcessRunner.run(Tools.edgeEnergy, [input])
        assertNoCrashTrace(result, file: file, line: line)
        XCTAssertEqual(result.status, 0, result.summary, file: file, line: line)
        let lines = result.stdoutLines
        XCTAssertEqual(lines.first, "time_s,edge_energy", "missing CSV header", file: file, line: line)
        return lines.dropFirst().compactMap { text in
            let fields = text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2, let time = Double(fields[0]), let energy = Double(fields[1]) else {
                XCTFail("not a CSV row of two numbers: \(text)", file: file, line: line)
                return nil
            }
            return Row(time: time, energy: energy)
        }
    }

    func testOneLinePerFrameWithTheFramesTimes() throws {
        let input = try makeClip("in.mp4", size: "320x240", rate: "30", duration: 1)
        let rows = try run(input)
        let times = try framePresentationTimes(input)
        XCTAssertEqual(rows.count, try decodedFrameCount(input), "one line per frame")
        XCTAssertEqual(rows.count, 30)
        assertTimesEqual(rows.map(\.time), times, tolerance: 0.0005, what: "edge-energy times")
        for row in rows {
            XCTAssertTrue(row.energy.isFinite && row.energy >= 0, "energy \(row.energy) at \(row.time) s")
        }
        let mean = rows.map(\.energy).reduce(0, +) / Double(max(rows.count, 1))
        XCTAssertGreaterThan(mean, 0.01, "testsrc2 is full of edges, its energy should be clearly positive")
        XCTAssertGreaterThan(rows.map(\.energy).min() ?? 0, 0.005, "every testsrc2 frame has edges")
    }

    func testFlatGreyHasNoEdgeEnergy() throws {
        let input = try makeClip("grey.mp4", source: "color=c=gray", size: "320x240", rate: "25", duration: 1, audio: false)
        let rows = try run(input)
        XCTAssertEqual(rows.count, 25)
        for row in rows {
            XCTAssertEqual(row.energy, 0, accuracy: 1e-4, "a flat frame has no edges (at \(row.time) s)")
        }
    }

    func testMissingInputFailsCleanly() throws {
        let result = try ProcessRunner.run(Tools.edgeEnergy, [path("nosuch.mp4")])
        assertNoCrashTrace(result)
        XCTAssertEqual(result.status, 66, result.summary)
        XCTAssertEqual(result.stderrLines.count, 1, "\(result.stderrLines)")
        XCTAssertTrue(result.stderrText.contains("nosuch.mp4"))
        XCTAssertEqual(result.stdout.count, 0)
    }
}
