import ConvoyTensor
import Foundation
import XCTest

/// Hostile media (issue 18, item 3): mp4, Matroska, avi, nut, y4m and raw inputs, damaged by a
/// seeded `MediaMutator` (cut short, bytes flipped, chunks swapped, headers zeroed), through
/// `convoy filter` and `convoy features`. Each run must end in time and without a crash, and either
/// succeed, with every damage it met reported and counted and an output that decodes cleanly to
/// the frames it says it wrote, or fail with exit 65 in one line naming the input and leave no
/// output behind.
///
/// `make test` runs 48 cases (every container, mutation and command once); `make hostile` runs
/// thousands against the AddressSanitizer build. The environment picks them:
/// CONVOY_HOSTILE_SEED (default 1), CONVOY_HOSTILE_CASES (48), CONVOY_HOSTILE_FIRST (0: the first
/// case's number, to replay one) and CONVOY_HOSTILE_KEEP (a folder that keeps every failing input).
final class HostileMediaTests: ConvoyTestCase {
    private enum Command: String { case filter, features }

    private struct Case: CustomStringConvertible {
        let number: Int
        let seed: UInt64
        let container: MediaMutator.Container
        let mutation: MediaMutator.Mutation
        let command: Command
        var damage = ""

        /// Case `number` of `seed`: the numbers go through every container, then every mutation,
        /// then both commands, and the seed and number fix the damage.
        init(number: Int, seed: UInt64) {
            let containers = MediaMutator.Container.allCases, mutations = MediaMutator.Mutation.allCases
            self.number = number
            self.seed = seed
            container = containers[number % containers.count]
            mutation = mutations[number / containers.count % mutations.count]
            command = number / (containers.count * mutations.count) % 2 == 0 ? .filter : .features
        }
        var description: String {
            "case \(number) of seed \(seed) (\(command) on \(container) input, \(mutation): \(damage); "
                + "CONVOY_HOSTILE_SEED=\(seed) CONVOY_HOSTILE_FIRST=\(number) CONVOY_HOSTILE_CASES=1 repeats it)"
        }
    }

    private static let width = 96, height = 64, rate = 12
    private var inputs: [MediaMutator.Container: String] = [:]
    private var model: String { Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path }

    private static func setting(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? value
    }

    func testDamagedMediaIsConcealedOrRefusedInOneLine() throws {
        try makeInputs()
        let seed = UInt64(HostileMediaTests.setting("CONVOY_HOSTILE_SEED", default: 1))
        let first = HostileMediaTests.setting("CONVOY_HOSTILE_FIRST", default: 0)
        let count = HostileMediaTests.setting("CONVOY_HOSTILE_CASES", default: 48)
        var outcomes: [String: Int] = [:]
        for number in first..<first + count {
            var hostile = Case(number: number, seed: seed)
            outcomes[try run(&hostile), default: 0] += 1
        }
        print("hostile media: \(count) cases from \(first) of seed \(seed): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The cases of seed 1 that once broke the contract, with what each must give now (the
    /// mutator and ffmpeg's inputs are deterministic, so a case number names one damaged file).
    func testFindingsStayFixed() throws {
        try makeInputs()
        let findings: [(number: Int, outcome: String, was: String)] = [
            (5, "written", "raw input cut inside a frame: exit 65 with the whole frames written"),
            (62, "refused", "MJPEG's \"No JPEG data found\" lines (AV_LOG_FATAL) around the one-line error"),
            (180, "refused", "H.264 damage reported at the final flush: exit 74 blaming the output"),
        ]
        for finding in findings {
            var hostile = Case(number: finding.number, seed: 1)
            XCTAssertEqual(try run(&hostile), finding.outcome, "once: \(finding.was)")
        }
    }

    /// Damages the case's input, runs it and checks the outcome; returns what happened.
    private func run(_ hostile: inout Case) throws -> String {
        let original = try XCTUnwrap(inputs[hostile.container])
        let ext = (original as NSString).pathExtension
        let damaged = path("damaged.\(ext)")
        var random = SplitMix64(seed: hostile.seed << 32 ^ UInt64(hostile.number))
        let mutator = MediaMutator(container: hostile.container,
                                   rawFrameSize: HostileMediaTests.width * HostileMediaTests.height * 3 / 2)
        let (bytes, damage) = mutator.mutate(try Data(contentsOf: URL(fileURLWithPath: original)), hostile.mutation, random: &random)
        hostile.damage = damage
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let output = path(hostile.command == .filter ? "out.mkv" : "out.npy")
        var arguments = [hostile.command.rawValue, damaged, "-o", output, "-y"]
        if hostile.container == .raw { arguments += ["--raw", "\(HostileMediaTests.width)x\(HostileMediaTests.height):yuv420p@\(HostileMediaTests.rate)"] }
        arguments += hostile.command == .filter ? ["--kernel", "box:size=3", "--summary", "json"] : ["--model", model]
        let result = try convoy(arguments, timeout: 60)
        let failures = testRun?.failureCount ?? 0
        defer {
            if (testRun?.failureCount ?? 0) > failures { keep(damaged, hostile) }
            for name in directoryListing() where name.hasPrefix("out") || name.hasPrefix("damaged") {
                try? FileManager.default.removeItem(atPath: path(name))
            }
        }
        XCTAssertFalse(result.timedOut, "no result within 60 s: \(hostile)")
        XCTAssertFalse(result.crashed, "killed by signal \(result.status): \(hostile)\n\(result.summary)")
        XCTAssertEqual(temporaryLeftovers(), [], "temporary files left: \(hostile)")
        guard !result.timedOut, !result.crashed else { return "broken" }
        switch result.status {
        case 0:
            try checkSuccess(result, output: output, hostile)
            return "written"
        case 65:
            try checkRefusal(result, arguments: arguments, output: output, hostile)
            return "refused"
        default:
            XCTFail("exit \(result.status), where 0 or 65 were expected: \(hostile)\n\(result.summary)")
            return "exit \(result.status)"
        }
    }

    /// A successful run: every damage it met reported and counted; an output that decodes cleanly
    /// to the frames it says it wrote.
    private func checkSuccess(_ result: ProcessResult, output: String, _ hostile: Case) throws {
        let warnings = result.stderrLines.filter { $0.hasPrefix("convoy: warning: ") }
        let damageWarnings = warnings.filter { $0.contains("damaged video") }
        if hostile.command == .filter {
            let line = try XCTUnwrap(result.stderrLines.last, "no summary: \(hostile)")
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                                        "the last line is not the JSON summary: \(hostile)\n\(result.summary)")
            let written = try XCTUnwrap(summary["frames_written"] as? Int)
            let counted = (summary["decode_errors"] as? Int ?? -1) + (summary["frames_damaged"] as? Int ?? -1)
            XCTAssertEqual(damageWarnings.count, counted, "damage reported and counted differ: \(hostile)\n\(result.summary)")
            XCTAssertGreaterThan(written, 0, "success with no frame: \(hostile)")
            // The video Convoy encoded must be clean; copied audio packets stay as damaged as they came.
            let video = try ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", output, "-map", "0:v", "-f", "null", "-"])
            XCTAssertTrue(video.succeeded && video.stderrText.isEmpty, "the output's video does not decode cleanly: \(hostile)\n\(video.summary)")
            XCTAssertEqual(try decodedFrameCount(output), written, "the output's frames: \(hostile)")
        } else {
            let line = try XCTUnwrap(result.stderrLines.last { $0.contains("frames of features written") }, "no closing line: \(hostile)")
            let written = try XCTUnwrap(Int(line.dropFirst("convoy: ".count).prefix { $0.isNumber }))
            XCTAssertEqual(try npyRows(output), written, "the .npy rows: \(hostile)")
        }
    }

    /// A refusal: Convoy's own lines only, the last naming the input, nothing written; run again
    /// with `-q` (no warnings or notes), the same refusal in exactly one line.
    private func checkRefusal(_ result: ProcessResult, arguments: [String], output: String, _ hostile: Case) throws {
        assertNoCrashTrace(result)
        XCTAssertEqual(result.stderrLines.filter { !$0.hasPrefix("convoy: ") }, [], "lines not Convoy's: \(hostile)")
        XCTAssertTrue(result.stderrLines.last?.contains("damaged.") == true, "the error does not name the input: \(hostile)\n\(result.summary)")
        XCTAssertEqual(directoryListing().filter { $0.hasPrefix("out") || $0.hasPrefix(".out") }, [], "something was written: \(hostile)")
        let quiet = try convoy(arguments + ["-q"], timeout: 60)
        XCTAssertEqual(quiet.status, 65, "not refused again with -q: \(hostile)\n\(quiet.summary)")
        XCTAssertEqual(quiet.stderrLines, Array(result.stderrLines.suffix(1)), "not one line with -q: \(hostile)")
    }

    /// The first dimension of a float32 .npy file, checked against its length.
    private func npyRows(_ file: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertEqual(Array(data.prefix(6)), [0x93] + Array("NUMPY".utf8))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<10 + headerLength], as: UTF8.self)
        let shapeText = try XCTUnwrap(header.range(of: "'shape': (").map { header[$0.upperBound...].prefix { $0 != ")" } })
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        XCTAssertEqual(data.count - 10 - headerLength, shape.reduce(4, *), "\(file): the data does not fill the shape \(shape)")
        return shape.first ?? -1
    }

    /// One second of 96×64 test pattern at 12 fps in each container (with a tone where it takes
    /// one), y4m and raw yuv420p. Different codecs, so that more than one decoder meets damage.
    private func makeInputs() throws {
        let size = "\(HostileMediaTests.width)x\(HostileMediaTests.height)", rate = "\(HostileMediaTests.rate)"
        let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "4", "-pix_fmt", "yuv420p"]
        inputs[.mp4] = try makeClip("in.mp4", size: size, rate: rate, duration: 1, videoCodec: x264)
        inputs[.matroska] = try makeClip("in.mkv", size: size, rate: rate, duration: 1, videoCodec: ["-c:v", "mpeg4", "-g", "4"],
                                         audioCodec: ["-c:a", "flac"])
        inputs[.avi] = try makeClip("in.avi", size: size, rate: rate, duration: 1, videoCodec: ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p"],
                                    audioCodec: ["-c:a", "pcm_s16le"])
        inputs[.nut] = try makeClip("in.nut", size: size, rate: rate, duration: 1, videoCodec: ["-c:v", "ffv1"],
                                    audioCodec: ["-c:a", "pcm_s16le"])
        inputs[.y4m] = try makeClip("in.y4m", size: size, rate: rate, duration: 1, audio: false, videoCodec: ["-pix_fmt", "yuv420p"])
        inputs[.raw] = try makeClip("in.yuv", size: size, rate: rate, duration: 1, audio: false,
                                    videoCodec: ["-f", "rawvideo", "-pix_fmt", "yuv420p"])
    }

    /// Keeps a failing input in CONVOY_HOSTILE_KEEP, named after its case.
    private func keep(_ input: String, _ hostile: Case) {
        guard let folder = ProcessInfo.processInfo.environment["CONVOY_HOSTILE_KEEP"], !folder.isEmpty else { return }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = "seed\(hostile.seed)-case\(hostile.number)-\(hostile.command)-\((input as NSString).lastPathComponent)"
        try? FileManager.default.copyItem(atPath: input, toPath: (folder as NSString).appendingPathComponent(name))
    }
}
