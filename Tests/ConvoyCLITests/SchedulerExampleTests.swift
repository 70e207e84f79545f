import Foundation
import XCTest
import Yams

/// The submit files in docs/examples/ that the tests do not submit (a Kubernetes Indexed Job, an AWS
/// Batch array job): each is checked for the contract `--segment auto` relies on, and its own
/// command is run here, task by task, with the index variable its engine sets, then joined and
/// compared with the one-machine run.
final class SchedulerExampleTests: ConvoyTestCase {
    private var examples: URL { Tools.packageRoot.appendingPathComponent("docs/examples") }
    private var tinyModel: String { Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path }
    /// The variables `--segment auto` reads: one engine's file must set none of the others'.
    private let indexVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
                                  "BATCH_TASK_INDEX", "CLOUD_RUN_TASK_INDEX"]

    /// Runs `command` (an example's, its /data paths moved into the scratch folder) once per task
    /// with `variable` = 0 … count-1, joins, and compares with the one-machine features.
    private func runTasks(_ command: [String], variable: String, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let input = try makeClip("film.mp4", size: "64x48", duration: 3, audio: false,
                                 videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "10"])
        try FileManager.default.copyItem(atPath: tinyModel, toPath: path("net.yaml"))
        try FileManager.default.copyItem(atPath: tinyModel.replacingOccurrences(of: ".yaml", with: ".safetensors"),
                                         toPath: path("net.safetensors"))
        try convoySucceeds(["plan", input, "--segments", String(count), "-o", path("plan.json")])
        let arguments = command.dropFirst().map { $0.replacingOccurrences(of: "/data/", with: workDirectory.path + "/") }
        XCTAssertEqual(command.first, "convoy", file: file, line: line)
        let clean = "env " + indexVariables.map { "-u \($0)" }.joined(separator: " ")
        for task in 0..<count {
            let result = try shell("\(clean) \(variable)=\(task) \(shellQuote(Tools.convoy)) \(arguments.map(shellQuote).joined(separator: " "))")
            XCTAssertEqual(result.status, 0, result.stderrText, file: file, line: line)
            XCTAssertTrue(result.stderrText.contains("segment \(task) of \(count) (\(variable)=\(task))"), result.stderrText, file: file, line: line)
        }
        try convoySucceeds(["join", path("plan.json"), "-o", path("feats.npy")])
        try convoySucceeds(["features", input, "--model", path("net.yaml"), "-o", path("single.npy")])
        XCTAssertEqual(fileData(path("feats.npy")), fileData(path("single.npy")), file: file, line: line)
    }

    private func assertRunsOneSegment(_ command: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Array(command.prefix(2)), ["convoy", "features"], file: file, line: line)
        let plan = command.firstIndex(of: "--plan"), segment = command.firstIndex(of: "--segment")
        XCTAssertNotNil(plan, "no --plan in \(command)", file: file, line: line)
        XCTAssertEqual(segment.map { command[$0 + 1] }, "auto", "no --segment auto in \(command)", file: file, line: line)
    }

    /// An Indexed Job (Kubernetes sets JOB_COMPLETION_INDEX only in those), as many completions
    /// as the plan's segments, pods that are not restarted in place, a command of --plan and
    /// --segment auto, and no other engine's index variable in its environment.
    func testKubernetesIndexedJobKeepsTheContract() throws {
        let text = try String(contentsOf: examples.appendingPathComponent("kubernetes/features-job.yaml"), encoding: .utf8)
        let job = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        XCTAssertEqual(job["kind"] as? String, "Job")
        let spec = try XCTUnwrap(job["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        let completions = try XCTUnwrap(spec["completions"] as? Int)
        XCTAssertLessThanOrEqual(spec["parallelism"] as? Int ?? completions, completions)
        let pod = try XCTUnwrap((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        XCTAssertEqual(pod["restartPolicy"] as? String, "Never")
        let containers = try XCTUnwrap(pod["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.count, 1)
        let command = try XCTUnwrap(containers[0]["command"] as? [String])
        assertRunsOneSegment(command)
        let names = (containers[0]["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertTrue(Set(names).isDisjoint(with: indexVariables), "\(names)")
        try runTasks(command, variable: "JOB_COMPLETION_INDEX", count: min(completions, 3))
    }

    /// A container job definition retried on failure whose command runs --segment auto, and a
    /// submission that makes it an array job (AWS sets AWS_BATCH_JOB_ARRAY_INDEX in its children).
    func testAWSBatchArrayJobKeepsTheContract() throws {
        func json(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: examples.appendingPathComponent("aws-batch/\(name)"))
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let definition = try json("features-job.json")
        let submission = try json("submit-job.json")
        XCTAssertEqual(definition["type"] as? String, "container")
        XCTAssertEqual(submission["jobDefinition"] as? String, definition["jobDefinitionName"] as? String)
        let size = try XCTUnwrap((submission["arrayProperties"] as? [String: Any])?["size"] as? Int)
        XCTAssertGreaterThanOrEqual(size, 2, "AWS Batch array jobs have 2 to 10,000 children")
        XCTAssertGreaterThan((definition["retryStrategy"] as? [String: Any])?["attempts"] as? Int ?? 0, 1)
        let container = try XCTUnwrap(definition["containerProperties"] as? [String: Any])
        let command = try XCTUnwrap(container["command"] as? [String])
        assertRunsOneSegment(command)
        let names = (container["environment"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertTrue(Set(names).isDisjoint(with: indexVariables), "\(names)")
        try runTasks(command, variable: "AWS_BATCH_JOB_ARRAY_INDEX", count: min(size, 3))
    }
}
