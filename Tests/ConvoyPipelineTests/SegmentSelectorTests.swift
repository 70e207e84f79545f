import ConvoyPipeline
import XCTest

/// `--segment auto` against each engine's index variable, read in SegmentSelector's order.
final class SegmentSelectorTests: XCTestCase {
    private func resolve(_ environment: [String: String]) throws -> (index: Int, origin: String) {
        try SegmentSelector.auto.resolve(environment: environment)
    }

    func testEveryEnginesVariableIsRead() throws {
        for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "BATCH_TASK_INDEX", "CLOUD_RUN_TASK_INDEX"] {
            let resolved = try resolve([name: "4"])
            XCTAssertEqual(resolved.index, 4, name)
            XCTAssertEqual(resolved.origin, "\(name)=4")
        }
        XCTAssertEqual(try resolve(["SLURM_ARRAY_TASK_ID": "7"]).index, 7)
        XCTAssertEqual(try resolve(["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5"]).index, 2)
        XCTAssertEqual(try SegmentSelector.index(3).resolve(environment: ["BATCH_TASK_INDEX": "1"]).index, 3, "--segment K ignores the environment")
    }

    /// When several are set (a SLURM job inside a cloud batch job), the first in the documented
    /// order wins and is named.
    func testTheFirstVariableSetWins() throws {
        let resolved = try resolve(["CLOUD_RUN_TASK_INDEX": "1", "BATCH_TASK_INDEX": "2", "JOB_COMPLETION_INDEX": "3"])
        XCTAssertEqual(resolved.index, 3)
        XCTAssertEqual(resolved.origin, "JOB_COMPLETION_INDEX=3")
    }

    func testMissingAndMalformedIndicesAreUsageErrors() {
        for environment in [[:], ["BATCH_TASK_INDEX": "two"], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "x"]] {
            XCTAssertThrowsError(try resolve(environment), "\(environment)") { error in
                XCTAssertEqual((error as? ConvoyError)?.exitCode, ConvoyError.usage, "\(error)")
            }
        }
    }
}
