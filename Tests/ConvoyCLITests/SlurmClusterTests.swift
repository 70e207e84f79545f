import Foundation
import XCTest

/// A real engine (issue 16): a one-node SLURM cluster started here from Debian's slurm-wlm and
/// munge (`Scripts/slurm_cluster.sh`), a plan's features submitted as a user would (an array job
/// running `--segment auto`, and the examples' submit script with its join after `afterok`),
/// joined and compared byte for byte with the one-machine run. The daemons are stopped at the
/// end; where the cluster cannot be had (not root, no apt, no network) the test skips, saying why.
final class SlurmClusterTests: ConvoyTestCase {
    private var tinyModel: String { Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path }
    private var clusterScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/slurm_cluster.sh").path
    }

    func testArrayJobOnASlurmClusterGivesTheOneMachineFeatures() throws {
        // The cluster's files live outside the scratch folder, in a short path slurmd accepts.
        let cluster = "/tmp/convoy-slurm-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: cluster, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: cluster) }
        let start = try ProcessRunner.run("/bin/bash", [clusterScript, "start", cluster], timeout: 300)
        defer { _ = try? ProcessRunner.run("/bin/bash", [clusterScript, "stop", cluster], timeout: 60) }
        if start.status == 3 { throw XCTSkip("no SLURM cluster here: \(start.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
        XCTAssertEqual(start.status, 0, start.stderrText)
        guard start.status == 0 else { return }
        let environment = ["SLURM_CONF": "\(cluster)/slurm.conf"]

        let input = try makeClip("in.mp4", size: "64x48", duration: 3,
                                 videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p",
                                              "-x264-params", "keyint=15:min-keyint=15:scenecut=0"])
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", path("single.npy")])
        try convoySucceeds(["plan", input, "--segments", "3", "-o", path("plan.json")])

        // As a user would: an array job of the ordinary command plus --plan and --segment auto;
        // --wait returns when every task has ended, non-zero when one failed.
        let command = [Tools.convoy, "features", input, "--model", tinyModel, "-o", path("feats.npy"),
                       "--threads", "1", "--plan", path("plan.json"), "--segment", "auto"].map(shellQuote).joined(separator: " ")
        let submit = try ProcessRunner.run(ProcessRunner.which("sbatch"),
                                           ["--wait", "--array=0-2", "--cpus-per-task=1", "--output=\(path("task-%a.log"))",
                                            "--chdir=\(workDirectory.path)", "--wrap", command],
                                           environment: environment, timeout: 180)
        let logs = (0..<3).map { (try? String(contentsOfFile: path("task-\($0).log"), encoding: .utf8)) ?? "" }
        XCTAssertEqual(submit.status, 0, submit.stderrText + logs.joined(separator: "\n"))
        for (task, log) in logs.enumerated() {
            XCTAssertTrue(log.contains("segment \(task) of 3 (SLURM_ARRAY_TASK_ID=\(task) less SLURM_ARRAY_TASK_MIN=0)"), log)
        }
        try convoySucceeds(["join", path("plan.json"), "-o", path("feats.npy")])
        XCTAssertEqual(fileData(path("feats.npy")), fileData(path("single.npy")))
        XCTAssertEqual(fileData(path("feats.pts.csv")), fileData(path("single.pts.csv")))

        // The examples' submit script: plan, array of features.sbatch, join after afterok.
        let script = Tools.packageRoot.appendingPathComponent("docs/examples/slurm/submit.sh").path
        // Run from the scratch folder, where sbatch puts the tasks' logs.
        let submitted = try shell("cd \(shellQuote(workDirectory.path)) && SLURM_CONF=\(shellQuote(cluster))/slurm.conf CONVOY=\(shellQuote(Tools.convoy)) /bin/bash \(shellQuote(script)) \(shellQuote(input)) \(shellQuote(tinyModel)) \(shellQuote(path("example.npy"))) 2",
                                  timeout: 60)
        XCTAssertEqual(submitted.status, 0, submitted.stderrText)
        let joinJob = submitted.stdoutLines.last ?? ""
        let waited = try ProcessRunner.run(ProcessRunner.which("bash"),
                                           ["-c", "for i in $(seq 600); do squeue -h -j \(joinJob) 2>/dev/null | grep -q . || exit 0; sleep 0.2; done; exit 1"],
                                           environment: environment, timeout: 150)
        XCTAssertEqual(waited.status, 0, "the join job \(joinJob) did not finish")
        XCTAssertEqual(fileData(path("example.npy")), fileData(path("single.npy")), "the example's joined features differ")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("example.npy.parts")))
    }
}
