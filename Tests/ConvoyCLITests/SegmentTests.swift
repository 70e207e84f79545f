import Foundation
import XCTest

/// `convoy plan`, `--plan --segment` and `convoy join` (issue 16): plans checked against
/// ffprobe's packets and frames, and features from N tasks joined into the bytes of a one-machine
/// run, on clips with B-frames, an open GOP and a variable frame rate.
final class SegmentTests: ConvoyTestCase {
    private var tinyModel: String { Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path }

    /// 3 s at 30 fps, 64×48, H.264 with 3 B-frames and a keyframe every 10 frames (closed GOPs), AAC.
    private func bFrameClip() throws -> String {
        try makeClip("bframes.mp4", size: "64x48", duration: 3,
                     videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-pix_fmt", "yuv420p",
                                  "-x264-params", "keyint=10:min-keyint=10:scenecut=0"])
    }

    /// The same with open GOPs in Matroska: each keyframe after the first has leading B-frames
    /// (decoded after it, shown before it) that reference the GOP before.
    private func openGOPClip() throws -> String {
        try makeClip("open.mkv", size: "64x48", duration: 3, audio: false,
                     videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-pix_fmt", "yuv420p",
                                  "-x264-params", "keyint=10:min-keyint=10:scenecut=0:open-gop=1"])
    }

    /// Variable frame rate: 4 of every 7 frames kept, with their original times.
    private func variableRateClip() throws -> String {
        try makeClip("vfr.mkv", size: "64x48", duration: 3, audio: false,
                     videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-g", "8", "-pix_fmt", "yuv420p"],
                     extra: ["-vf", "select='lt(mod(n\\,7)\\,4)'", "-fps_mode", "vfr"])
    }

    private func plan(_ input: String, _ arguments: [String], name: String = "plan.json") throws -> (plan: [String: Any], stderr: String) {
        let result = try convoySucceeds(["plan", input, "-o", path(name)] + arguments)
        let object = try JSONSerialization.jsonObject(with: fileData(path(name)) ?? Data()) as? [String: Any] ?? [:]
        return (object, result.stderrText)
    }

    private func segments(_ plan: [String: Any]) -> [[String: Any]] { plan["segments"] as? [[String: Any]] ?? [] }

    /// ffprobe's video packets: pts (stream time base) and whether each is a keyframe.
    private func probedPackets(_ file: String) throws -> [(pts: Int, key: Bool)] {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "packet=pts,flags", file])
        return (json["packets"] as? [[String: Any]] ?? []).map { packet in
            ((packet["pts"] as? Int) ?? Int.min, (packet["flags"] as? String ?? "").hasPrefix("K"))
        }
    }

    /// ffprobe's decoded frames' pts, presentation order.
    private func probedFramePts(_ file: String) throws -> [Int] {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "frame=pts,best_effort_timestamp", file])
        return (json["frames"] as? [[String: Any]] ?? []).map { ($0["pts"] as? Int) ?? ($0["best_effort_timestamp"] as? Int) ?? Int.min }
    }

    /// Runs `features` once on the whole input and as one task per segment, joins, and asserts
    /// that every file the one-machine run wrote has the same bytes after the join; returns the
    /// number of segments the plan made.
    @discardableResult
    private func assertSegmentedFeaturesMatch(_ input: String, planArguments: [String], output: String = "feats.npy",
                                              extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let single = path("single-\(output)")
        let joined = path(output)
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", single, "--batch", "4", "-y"] + extra)
        let (plan, _) = try plan(input, planArguments + ["-y"])
        let count = segments(plan).count
        for segment in 0..<count {
            let task = try convoySucceeds(["features", input, "--model", tinyModel, "-o", joined, "--batch", "4",
                                           "--plan", path("plan.json"), "--segment", String(segment)] + extra)
            XCTAssertTrue(task.stderrText.contains("segment \(segment) of \(count)"), task.stderrText, file: file, line: line)
        }
        let join = try convoySucceeds(["join", path("plan.json"), "-o", joined, "-y"])
        XCTAssertTrue(join.stderrText.contains("joined from \(count) parts"), join.stderrText, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: joined + ".parts"), "the parts were not removed", file: file, line: line)
        let singleFiles = companionFiles(single, stem: "single-")
        XCTAssertFalse(singleFiles.isEmpty, file: file, line: line)
        for name in singleFiles {
            let joinedName = String(name.dropFirst("single-".count))
            XCTAssertEqual(fileData(path(name)), fileData(path(joinedName)),
                           "\(joinedName) from \(count) segments differs from the one-machine \(name)", file: file, line: line)
        }
        return count
    }

    /// The files a features run wrote for `output` (itself, its pts.csv, or a directory's files),
    /// relative to the scratch directory.
    private func companionFiles(_ output: String, stem: String) -> [String] {
        let name = (output as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            return directoryListing(output).map { "\(name)/\($0)" }
        }
        let base = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
        return directoryListing().filter { $0 == name || $0.hasPrefix(base + ".") && $0.hasPrefix(stem) }
    }

    // MARK: The plan

    /// Every segment starts on a keyframe ffprobe sees, the ranges hold exactly the frames ffprobe
    /// decodes in them, and they add up to the whole video; the input's record is the file's.
    func testPlanStartsOnKeyframesAndCoversEveryFrameOnce() throws {
        let input = try bFrameClip()
        let (plan, _) = try plan(input, ["--segments", "5"])
        XCTAssertEqual(plan["format"] as? String, "convoy-segment-plan")
        XCTAssertEqual(plan["version"] as? Int, 1)
        let record = plan["input"] as? [String: Any] ?? [:]
        XCTAssertEqual(record["path"] as? String, URL(fileURLWithPath: input).standardizedFileURL.path)
        XCTAssertEqual((record["size"] as? NSNumber)?.intValue, (try FileManager.default.attributesOfItem(atPath: input)[.size] as? NSNumber)?.intValue)
        let sha = try shell("head -c 1048576 \(shellQuote(input)) | sha256sum").stdoutText.prefix(64)
        XCTAssertEqual(record["head_sha256"] as? String, String(sha))
        let keyframes = Set(try probedPackets(input).filter(\.key).map(\.pts))
        let frames = try probedFramePts(input)
        let list = segments(plan)
        XCTAssertEqual(list.count, 5)
        var covered = 0
        for (index, segment) in list.enumerated() {
            let start = segment["start_pts"] as? Int ?? -1
            let end = segment["end_pts"] as? Int
            if index > 0 {
                XCTAssertTrue(keyframes.contains(start), "segment \(index) starts at \(start), not a keyframe \(keyframes.sorted())")
                XCTAssertEqual((segment["seek"] as? [String: Any])?["pts"] as? Int, start)
            }
            let inside = frames.filter { pts in (index == 0 || pts >= start) && (end.map { pts < $0 } ?? true) }.count
            XCTAssertEqual(segment["frames"] as? Int, inside, "segment \(index)")
            XCTAssertEqual(segment["first_frame"] as? Int, covered)
            covered += inside
        }
        XCTAssertEqual(covered, frames.count)
        XCTAssertEqual((plan["video"] as? [String: Any])?["frames"] as? Int, frames.count)
    }

    /// More segments than keyframes to cut at: fewer are made, and stderr says how many and why.
    func testTooManySegmentsAreReducedAndSaidSo() throws {
        let input = try bFrameClip()
        let cutPoints = try probedPackets(input).dropFirst().filter(\.key).count
        let count = try assertSegmentedFeaturesMatch(input, planArguments: ["--segments", "40"])
        XCTAssertEqual(count, cutPoints + 1)
        let (_, stderr) = try plan(input, ["--segments", "40", "-y"])
        XCTAssertTrue(stderr.contains("40 segments asked for, \(cutPoints + 1) made"), stderr)
    }

    /// --segment-seconds places boundaries near multiples of the length.
    func testSegmentSecondsPlacesBoundariesNearMultiples() throws {
        let input = try bFrameClip()
        let (plan, _) = try plan(input, ["--segment-seconds", "1"])
        let starts = segments(plan).map { $0["start_seconds"] as? Double ?? -1 }
        XCTAssertEqual(starts.count, 3)
        for (index, start) in starts.enumerated() { XCTAssertEqual(start, Double(index), accuracy: 0.2) }
    }

    /// Inputs that cannot be planned are refused in one line: standard input, a missing file, a
    /// file that is not video, an elementary stream without timestamps.
    func testInputsThatCannotBeCutAreRefused() throws {
        let missing = try convoy(["plan", path("nope.mp4"), "--segments", "2", "-o", path("plan.json")])
        XCTAssertEqual(missing.status, 66, missing.stderrText)
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: path("text.mp4")))
        let text = try convoy(["plan", path("text.mp4"), "--segments", "2", "-o", path("plan.json")])
        XCTAssertEqual(text.status, 65, text.stderrText)
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30:duration=1", "-c:v", "libx264", "-f", "h264", path("raw.h264")])
        let raw = try convoy(["plan", path("raw.h264"), "--segments", "2", "-o", path("plan.json")])
        XCTAssertEqual(raw.status, 65, raw.stderrText)
        XCTAssertTrue(raw.stderrText.contains("cannot be cut into segments exactly"), raw.stderrText)
        for result in [missing, text, raw] {
            XCTAssertEqual(result.stderrLines.count, 1, result.stderrText)
            assertNoCrashTrace(result)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("plan.json")))
    }

    // MARK: Features from segments

    /// B-frames (closed GOPs): 1, 2, 5 and 7 segments give the one-machine .npy and pts.csv bytes.
    func testFeaturesFromSegmentsOfBFrameVideoAreBitIdentical() throws {
        let input = try bFrameClip()
        for count in [1, 2, 5, 7] {
            XCTAssertEqual(try assertSegmentedFeaturesMatch(input, planArguments: ["--segments", String(count)]), count)
        }
    }

    /// An open GOP: the leading pictures of each keyframe are decoded by the segment before, from
    /// their real references, so the features are still bit-identical.
    func testFeaturesFromSegmentsOfAnOpenGOPAreBitIdentical() throws {
        let input = try openGOPClip()
        XCTAssertEqual(try assertSegmentedFeaturesMatch(input, planArguments: ["--segments", "7"]), 7)
    }

    /// Variable frame rate, safetensors and a directory of per-frame files, with --every and
    /// --pool: the same bytes as one machine.
    func testFeaturesOfVariableRateVideoInEveryFormatAreBitIdentical() throws {
        let input = try variableRateClip()
        try assertSegmentedFeaturesMatch(input, planArguments: ["--segments", "4"], output: "feats.safetensors", extra: ["--every", "3"])
        try assertSegmentedFeaturesMatch(input, planArguments: ["--segments", "3"], output: "frames", extra: ["--pool", "avg"])
    }

    // MARK: Tasks and the join

    /// --segment auto reads the scheduler's index (SLURM's less its minimum, Kubernetes'), says
    /// which it used, and fails clearly when none is set or the index is out of range.
    func testSegmentAutoReadsTheSchedulersIndex() throws {
        let input = try bFrameClip()
        _ = try plan(input, ["--segments", "3"])
        let command = "\(shellQuote(Tools.convoy)) features \(shellQuote(input)) --model \(shellQuote(tinyModel)) -o \(shellQuote(path("f.npy"))) --plan \(shellQuote(path("plan.json"))) --segment auto"
        let clean = "env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_MIN -u JOB_COMPLETION_INDEX -u AWS_BATCH_JOB_ARRAY_INDEX -u BATCH_TASK_INDEX -u CLOUD_RUN_TASK_INDEX"
        let slurm = try shell("\(clean) SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 \(command)")
        XCTAssertEqual(slurm.status, 0, slurm.stderrText)
        XCTAssertTrue(slurm.stderrText.contains("segment 2 of 3 (SLURM_ARRAY_TASK_ID=3 less SLURM_ARRAY_TASK_MIN=1)"), slurm.stderrText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("f.npy.parts/2.npy")))
        let kubernetes = try shell("\(clean) JOB_COMPLETION_INDEX=0 \(command)")
        XCTAssertEqual(kubernetes.status, 0, kubernetes.stderrText)
        XCTAssertTrue(kubernetes.stderrText.contains("(JOB_COMPLETION_INDEX=0)"), kubernetes.stderrText)
        let none = try shell("\(clean) \(command)")
        XCTAssertEqual(none.status, 64, none.stderrText)
        XCTAssertTrue(none.stderrText.contains("none of SLURM_ARRAY_TASK_ID"), none.stderrText)
        let outside = try shell("\(clean) AWS_BATCH_JOB_ARRAY_INDEX=3 \(command)")
        XCTAssertEqual(outside.status, 64, outside.stderrText)
        XCTAssertTrue(outside.stderrText.contains("out of range"), outside.stderrText)
        for result in [none, outside] { XCTAssertEqual(result.stderrLines.count, 1, result.stderrText) }
    }

    /// The join names each missing or wrong part on its own line and writes nothing; a task given
    /// another file than the plan's input stops in one line; a rerun task is idempotent.
    func testJoinNamesMissingPartsAndTasksCheckTheInput() throws {
        let input = try bFrameClip()
        _ = try plan(input, ["--segments", "3"])
        let output = path("feats.npy")
        func task(_ segment: Int, input: String = input) throws -> ProcessResult {
            try convoy(["features", input, "--model", tinyModel, "-o", output, "--plan", path("plan.json"), "--segment", String(segment)])
        }
        XCTAssertEqual(try task(0).status, 0)
        let first = fileData(path("feats.npy.parts/0.npy"))
        XCTAssertEqual(try task(0).status, 0)
        XCTAssertEqual(fileData(path("feats.npy.parts/0.npy")), first, "a rerun task wrote other bytes")
        XCTAssertEqual(try task(2).status, 0)
        let join = try convoy(["join", path("plan.json"), "-o", output])
        XCTAssertEqual(join.status, 65, join.stderrText)
        XCTAssertTrue(join.stderrText.contains("feats.npy.parts/1.npy: missing"), join.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        // A part cut short: its size no longer matches its record.
        XCTAssertEqual(try task(1).status, 0)
        let part = try FileHandle(forWritingTo: URL(fileURLWithPath: path("feats.npy.parts/2.npy")))
        try part.truncate(atOffset: 200)
        try part.close()
        let short = try convoy(["join", path("plan.json"), "-o", output])
        XCTAssertEqual(short.status, 65, short.stderrText)
        XCTAssertTrue(short.stderrText.contains("2.npy does not hold"), short.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        // Another file than the plan's.
        let other = try makeClip("other.mp4", size: "64x48", duration: 3, audio: false)
        let wrong = try task(0, input: other)
        XCTAssertEqual(wrong.status, 65, wrong.stderrText)
        XCTAssertTrue(wrong.stderrText.contains("not the input of"), wrong.stderrText)
        XCTAssertEqual(wrong.stderrLines.count, 1, wrong.stderrText)
        XCTAssertTrue(temporaryLeftovers(in: path("feats.npy.parts")).isEmpty)
    }

    func testAPartCutShortIsRefusedAndAStoppedTaskWritesNone() throws {
        // A part whose files and record agree but which holds only the start of its segment
        // (segment 0 of a 3-segment plan where the join's plan has 2): named, nothing joined.
        let input = try bFrameClip()
        _ = try plan(input, ["--segments", "2"])
        _ = try plan(input, ["--segments", "3"], name: "plan3.json")
        let output = path("feats.npy")
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", output, "--plan", path("plan3.json"), "--segment", "0"])
        try convoySucceeds(["features", input, "--model", tinyModel, "-o", output, "--plan", path("plan.json"), "--segment", "1"])
        let short = try convoy(["join", path("plan.json"), "-o", output])
        XCTAssertEqual(short.status, 65, short.stderrText)
        XCTAssertTrue(short.stderrText.contains("0.npy: it holds"), short.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        // SIGTERM (a scheduler's preemption) mid-segment: exit 143, and neither a part nor its
        // record is left for a join to take, so the retried task's part is the only one.
        let long = try makeClip("long.mp4", size: "640x360", rate: "30", duration: 20, audio: false)
        _ = try plan(long, ["--segments", "2"], name: "long-plan.json")
        let stopped = path("stopped.npy")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.convoy)
        process.arguments = ["features", long, "--model", tinyModel, "-o", stopped, "--plan", path("long-plan.json"), "--segment", "0", "-q"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: stopped + ".parts") && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertTrue(process.isRunning, "the task ended before it could be stopped")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("stopped.npy.parts/0.npy")), "a stopped task committed its part")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("stopped.npy.parts/0.done.json")), "a stopped task wrote its record")
        XCTAssertTrue(temporaryLeftovers(in: path("stopped.npy.parts")).isEmpty)
    }

    // MARK: Video from segments

    /// Filters the input once and as one task per segment of a plan of `count`, joins, and
    /// returns the one-machine output and the joined one.
    private func filterBothWays(_ input: String, count: Int, output: String, codec: [String]) throws -> (single: String, joined: String) {
        let single = path("single-\(output)"), joined = path(output)
        let filter = ["--kernel", "box", "--space", "yuv"] + codec
        try convoySucceeds(["filter", input, "-o", single, "-y"] + filter)
        let (plan, _) = try plan(input, ["--segments", String(count), "-y"])
        XCTAssertEqual(segments(plan).count, count)
        for segment in 0..<count {
            try convoySucceeds(["filter", input, "-o", joined, "--plan", path("plan.json"), "--segment", String(segment)] + filter)
        }
        let join = try convoySucceeds(["join", path("plan.json"), "-o", joined, "-y"])
        XCTAssertTrue(join.stderrText.contains("joined from \(count) parts"), join.stderrText)
        return (single, joined)
    }

    /// Lossless video (ffv1): 1, 2, 5 and 7 segments of a B-frame source joined by stream copy
    /// are framemd5-identical to the one-machine run, with the same audio packets.
    func testFFV1VideoFromSegmentsIsFramemd5Identical() throws {
        let input = try bFrameClip()
        for count in [1, 2, 5, 7] {
            let (single, joined) = try filterBothWays(input, count: count, output: "out.mkv", codec: ["--codec", "ffv1"])
            XCTAssertEqual(try frameMD5(joined), try frameMD5(single), "\(count) segments")
            XCTAssertEqual(try packets(joined, stream: "a:0").map(\.pts), try packets(single, stream: "a:0").map(\.pts))
            XCTAssertFalse(FileManager.default.fileExists(atPath: joined + ".parts"))
        }
    }

    /// libx264 parts (closed GOPs) of an open-GOP and of a variable-rate source: the joined video
    /// has the one-machine run's frame count and per-frame times, decodes cleanly, and the audio
    /// is the input's, packet for packet.
    func testX264VideoFromSegmentsHasTheSameFramesAndTimes() throws {
        let open = try openGOPClip()
        let (single, joined) = try filterBothWays(open, count: 5, output: "open-out.mkv", codec: [])
        XCTAssertEqual(try assertDecodesCleanly(joined), try decodedFrameCount(single))
        XCTAssertEqual(try framePresentationTimes(joined), try framePresentationTimes(single))
        let audio = try makeClip("vfr-audio.mp4", size: "64x48", duration: 3,
                                 videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-g", "8", "-pix_fmt", "yuv420p"],
                                 extra: ["-vf", "select='lt(mod(n\\,7)\\,4)'", "-fps_mode", "vfr"])
        let (singleVFR, joinedVFR) = try filterBothWays(audio, count: 4, output: "vfr.mp4", codec: [])
        XCTAssertEqual(try assertDecodesCleanly(joinedVFR), try decodedFrameCount(singleVFR))
        XCTAssertEqual(try framePresentationTimes(joinedVFR), try framePresentationTimes(singleVFR))
        XCTAssertEqual(try packets(joinedVFR, stream: "a:0").map(\.pts), try packets(audio, stream: "a:0").map(\.pts))
    }

    /// A missing video part is named and nothing is written.
    func testVideoJoinNamesAMissingPart() throws {
        let input = try bFrameClip()
        _ = try plan(input, ["--segments", "3"])
        for segment in [0, 2] {
            try convoySucceeds(["filter", input, "-o", path("out.mp4"), "--kernel", "box", "--plan", path("plan.json"), "--segment", String(segment)])
        }
        let join = try convoy(["join", path("plan.json"), "-o", path("out.mp4")])
        XCTAssertEqual(join.status, 65, join.stderrText)
        XCTAssertTrue(join.stderrText.contains("out.mp4.parts/1.mp4: missing"), join.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.mp4")))
        XCTAssertEqual(try streams(path("out.mp4.parts/0.mp4")).count, 1, "a part carries the video alone")
    }
}
