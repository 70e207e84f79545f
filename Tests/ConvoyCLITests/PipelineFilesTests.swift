import Foundation
import XCTest

/// Every pipeline shipped in Pipelines/ runs on a real clip and gives a clean, complete output.
final class PipelineFilesTests: ConvoyTestCase {
    func testEveryShippedPipelineRuns() throws {
        let pipelines = Tools.pipelineFiles
        XCTAssertGreaterThanOrEqual(pipelines.count, 4, "Pipelines/ should hold the shipped pipelines: \(pipelines)")
        let input = try makeClip("in.mp4", size: "256x144", rate: "25", duration: 1)
        let inputCount = try decodedFrameCount(input)
        XCTAssertEqual(inputCount, 25)
        let inputMD5 = try frameChecksums(input)
        for pipeline in pipelines {
            let name = (pipeline as NSString).lastPathComponent
            let output = path("out-\((name as NSString).deletingPathExtension).mp4")
            let result = try convoy(["run", pipeline, input, "-o", output])
            assertNoCrashTrace(result)
            XCTAssertEqual(result.status, 0, "\(name): \(result.summary)")
            guard result.status == 0 else { continue }
            XCTAssertEqual(try decodeErrors(output), "", "\(name): the output does not decode cleanly")
            XCTAssertEqual(try decodedFrameCount(output), inputCount, "\(name): frame count changed")
            XCTAssertNotNil(try stream(output, type: "audio"), "\(name): audio lost")
            XCTAssertNotEqual(try frameChecksums(output), inputMD5, "\(name): the pictures were not changed")
        }
    }
}
