import Foundation
import XCTest

/// The base of every end-to-end test: a private temporary directory (removed in tearDown), and
/// helpers that run `convoy`, make clips with ffmpeg's lavfi generators and inspect media with
/// ffprobe/ffmpeg as independent references.
class ConvoyTestCase: XCTestCase {
    /// This test's scratch directory.
    private(set) var workDirectory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let name = "convoy-e2e-\(String(describing: type(of: self)))-\(UUID().uuidString.prefix(8))"
        workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Tools.convoy),
                      "no convoy binary at \(Tools.convoy); build it or set CONVOY_BIN")
    }

    override func tearDownWithError() throws {
        if let workDirectory { try? FileManager.default.removeItem(at: workDirectory) }
        try super.tearDownWithError()
    }

    /// A path inside the scratch directory.
    func path(_ name: String) -> String { workDirectory.appendingPathComponent(name).path }

    /// The names in the scratch directory (hidden ones included).
    func directoryListing(_ directory: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory ?? workDirectory.path)) ?? []).sorted()
    }

    // MARK: Running programs

    /// Runs `convoy` with `arguments`; never throws for a non-zero exit (tests look at it).
    @discardableResult
    func convoy(_ arguments: [String], stdinFile: String? = nil, timeout: TimeInterval = 120) throws -> ProcessResult {
        try ProcessRunner.run(Tools.convoy, arguments, stdinFile: stdinFile, timeout: timeout)
    }

    /// Runs `convoy` and fails the test (by throwing) unless it exits 0.
    @discardableResult
    func convoySucceeds(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let result = try convoy(arguments)
        guard result.succeeded else {
            XCTFail("convoy failed: \(result.summary)", file: file, line: line)
            throw CommandFailed(result: result)
        }
        assertNoCrashTrace(result, file: file, line: line)
        return result
    }

    /// Runs ffmpeg quietly (`-nostdin -v error -y`); throws when it fails.
    @discardableResult
    func ffmpeg(_ arguments: [String], timeout: TimeInterval = 120) throws -> ProcessResult {
        let result = try ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-y"] + arguments, timeout: timeout)
        guard result.succeeded else { throw CommandFailed(result: result) }
        return result
    }

    /// Runs ffprobe with JSON output and parses it with JSONSerialization.
    func ffprobeJSON(_ arguments: [String]) throws -> [String: Any] {
        let result = try ProcessRunner.run(Tools.ffprobe, ["-hide_banner", "-v", "error", "-of", "json"] + arguments)
        guard result.succeeded else { throw CommandFailed(result: result) }
        guard let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] else {
            throw CommandFailed(result: result)
        }
        return object
    }

    /// Runs a `/bin/sh -c` pipeline.
    func shell(_ command: String, timeout: TimeInterval = 120) throws -> ProcessResult {
        try ProcessRunner.shell(command, timeout: timeout)
    }

    /// Fails when standard error carries a Swift runtime crash report.
    func assertNoCrashTrace(_ result: ProcessResult, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault", "💣"] {
            XCTAssertFalse(result.stderrText.contains(marker), "crash trace (\(marker)) on stderr: \(result.summary)", file: file, line: line)
        }
        XCTAssertFalse(result.crashed, "killed by signal \(result.status): \(result.summary)", file: file, line: line)
        XCTAssertFalse(result.timedOut, "timed out: \(result.summary)", file: file, line: line)
    }

    // MARK: Making clips

    /// Encodes a clip from `testsrc2` (or another lavfi `source`, options allowed: `color=c=gray`)
    /// with an optional sine tone.
    /// The defaults give 320×240, 30 fps, 2 s of H.264 yuv420p with AAC in mp4.
    @discardableResult
    func makeClip(_ name: String, source: String = "testsrc2", size: String = "320x240", rate: String = "30",
                  duration: Double = 2, audio: Bool = true,
                  videoCodec: [String] = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
                  audioCodec: [String] = ["-c:a", "aac", "-b:a", "96k"], extra: [String] = []) throws -> String {
        let output = path(name)
        let separator = source.contains("=") ? ":" : "="
        var arguments = ["-f", "lavfi", "-i", "\(source)\(separator)size=\(size):rate=\(rate):duration=\(duration)"]
        if audio {
            arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(duration)"]
        }
        arguments += videoCodec
        if audio { arguments += audioCodec + ["-shortest"] }
        arguments += extra + [output]
        try ffmpeg(arguments)
        return output
    }

    // MARK: Inspecting media

    /// The number of video frames, counted by decoding the first video stream with ffprobe.
    func decodedFrameCount(_ file: String) throws -> Int {
        let json = try ffprobeJSON(["-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", file])
        let streams = json["streams"] as? [[String: Any]] ?? []
        guard let text = streams.first?["nb_read_frames"] as? String, let count = Int(text) else {
            XCTFail("ffprobe gave no decoded frame count for \(file): \(json)")
            return -1
        }
        return count
    }

    /// The presentation times (seconds) of the decoded frames of the first video stream, in output order.
    func framePresentationTimes(_ file: String) throws -> [Double] {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "frame=pts_time,best_effort_timestamp_time", file])
        let frames = json["frames"] as? [[String: Any]] ?? []
        return frames.map { frame in
            let text = (frame["pts_time"] as? String) ?? (frame["best_effort_timestamp_time"] as? String) ?? "nan"
            return Double(text) ?? .nan
        }
    }

    /// One demuxed packet: presentation time and duration in seconds.
    struct PacketTime { var pts: Double; var duration: Double }

    /// The packets of stream `selector` (e.g. `a:0`), in file order.
    func packets(_ file: String, stream selector: String) throws -> [PacketTime] {
        let json = try ffprobeJSON(["-select_streams", selector, "-show_entries", "packet=pts_time,duration_time", file])
        let packets = json["packets"] as? [[String: Any]] ?? []
        return packets.map { packet in
            PacketTime(pts: Double(packet["pts_time"] as? String ?? "") ?? .nan,
                       duration: Double(packet["duration_time"] as? String ?? "") ?? 0)
        }
    }

    /// Stream descriptions as ffprobe gives them (codec_type, codec_name, width, height, …).
    func streams(_ file: String) throws -> [[String: Any]] {
        let json = try ffprobeJSON(["-show_entries",
                                    "stream=index,codec_type,codec_name,width,height,pix_fmt,duration,sample_rate,channels,r_frame_rate,avg_frame_rate",
                                    file])
        return json["streams"] as? [[String: Any]] ?? []
    }

    /// The first stream of `type` ("video", "audio").
    func stream(_ file: String, type: String) throws -> [String: Any]? {
        try streams(file).first { $0["codec_type"] as? String == type }
    }

    /// Decodes the first video stream to raw planar bytes in `pixelFormat` (no scaling).
    func rawFrames(_ file: String, pixelFormat: String = "gbrp") throws -> RawVideo {
        guard let video = try stream(file, type: "video"), let width = video["width"] as? Int, let height = video["height"] as? Int else {
            throw CommandFailed(result: ProcessResult(commandLine: "ffprobe \(file)", status: 1, crashed: false, timedOut: false,
                                                      stdout: Data(), stderr: Data("no video stream".utf8)))
        }
        let result = try ffmpeg(["-i", file, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", pixelFormat, "-"])
        return RawVideo(bytes: result.stdout, width: width, height: height, pixelFormat: pixelFormat)
    }

    /// The video frames' framemd5 lines (comments dropped): stream, dts, pts, duration, size, md5.
    func frameMD5(_ file: String) throws -> [String] {
        let result = try ffmpeg(["-i", file, "-map", "0:v", "-f", "framemd5", "-"])
        return result.stdoutLines.filter { !$0.hasPrefix("#") }
    }

    /// Only the per-frame checksums of framemd5 (the last column), for comparing pictures alone.
    func frameChecksums(_ file: String) throws -> [String] {
        try frameMD5(file).map { String($0.split(separator: ",").last ?? "").trimmingCharacters(in: .whitespaces) }
    }

    /// What ffmpeg prints at `-v error` while decoding every stream of `file` (empty when clean).
    func decodeErrors(_ file: String) throws -> String {
        let result = try ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", file, "-f", "null", "-"])
        if !result.succeeded { return "ffmpeg exit \(result.status): \(result.stderrText)" }
        return result.stderrText
    }

    /// Asserts that `file` exists, decodes without a single error message, and returns its decoded frame count.
    @discardableResult
    func assertDecodesCleanly(_ file: String, file sourceFile: StaticString = #filePath, line: UInt = #line) throws -> Int {
        XCTAssertTrue(FileManager.default.fileExists(atPath: file), "\(file) was not written", file: sourceFile, line: line)
        let errors = try decodeErrors(file)
        XCTAssertEqual(errors, "", "\(file) does not decode cleanly", file: sourceFile, line: line)
        return try decodedFrameCount(file)
    }

    /// The files Convoy's muxer leaves while writing `output` (`.NAME.convoy-PID.tmp`) in its directory.
    func temporaryLeftovers(in directory: String? = nil) -> [String] {
        directoryListing(directory).filter { $0.hasPrefix(".") && $0.contains(".convoy-") && $0.hasSuffix(".tmp") }
    }

    func fileData(_ file: String) -> Data? { FileManager.default.contents(atPath: file) }
}
