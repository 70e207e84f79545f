import Foundation
import XCTest

/// The segment paths SegmentTests leaves out (issue 16, item 3): a pipeline file run over
/// segments, an input with no keyframe to cut at, the join taking subtitles, data streams and
/// metadata from the original once, and `--visualize` refused with `--plan`.
final class SegmentPathTests: ConvoyTestCase {
    private var tinyModel: String { Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path }

    /// 3 s at 30 fps, 64×48, H.264 with B-frames and a keyframe every 10 frames, with AAC.
    private func clip() throws -> String {
        try makeClip("in.mp4", size: "64x48", duration: 3,
                     videoCodec: ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p",
                                  "-x264-params", "keyint=10:min-keyint=10:scenecut=0"])
    }

    private func plan(_ input: String, segments: Int) throws -> Int {
        try convoySucceeds(["plan", input, "--segments", String(segments), "-o", path("plan.json"), "-y"])
        let object = try JSONSerialization.jsonObject(with: fileData(path("plan.json")) ?? Data()) as? [String: Any]
        return (object?["segments"] as? [Any])?.count ?? 0
    }

    /// `convoy run PIPELINE --plan --segment K` for every K, joined: the one-machine run's
    /// frames (ffv1, framemd5) and the input's audio packets.
    func testPipelineFileOverSegmentsEqualsOneMachine() throws {
        let input = try clip()
        let pipeline = path("soften.yaml")
        try Data("""
            space: yuv
            border: replicate
            kernels:
              - gaussian:sigma=1,size=3
            encoder:
              codec: ffv1
            """.utf8).write(to: URL(fileURLWithPath: pipeline))
        try convoySucceeds(["run", pipeline, input, "-o", path("single.mkv")])
        XCTAssertEqual(try plan(input, segments: 3), 3)
        for segment in 0..<3 {
            let task = try convoySucceeds(["run", pipeline, input, "-o", path("joined.mkv"), "--plan", path("plan.json"),
                                           "--segment", String(segment)])
            XCTAssertTrue(task.stderrText.contains("segment \(segment) of 3"), task.stderrText)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("joined.mkv.parts/2.mkv")))
        let parts = try (0..<3).map { try XCTUnwrap(fileData(path("joined.mkv.parts/\($0).mkv"))) }
        try convoySucceeds(["join", path("plan.json"), "-o", path("joined.mkv"), "--keep-parts"])
        XCTAssertEqual(try (0..<3).map { fileData(path("joined.mkv.parts/\($0).mkv")) }, parts, "--keep-parts did not keep the parts as they were")
        let frames = try frameMD5(path("joined.mkv"))
        XCTAssertEqual(frames.count, 90)
        XCTAssertEqual(frames, try frameMD5(path("single.mkv")))
        XCTAssertEqual(try packets(path("joined.mkv"), stream: "a:0").map(\.pts), try packets(path("single.mkv"), stream: "a:0").map(\.pts))
    }

    /// A transport stream cut after its only keyframe has no packet to start decoding at: the plan
    /// is refused in one line saying so, and no plan is written.
    func testAnInputWithNoKeyframeIsRefusedInOneLine() throws {
        // One keyframe (keyint=infinite), parameter sets on every packet so the rest still opens.
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30:duration=3", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", "-bf", "0", "-flags", "+global_header", "-x264-params", "keyint=infinite:scenecut=0",
                    "-bsf:v", "dump_extra=freq=all", "-f", "mpegts", path("whole.ts")])
        let whole = try XCTUnwrap(fileData(path("whole.ts")))
        try whole.dropFirst(188 * 20).write(to: URL(fileURLWithPath: path("cut.ts")))
        let probed = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "packet=flags", path("cut.ts")])
        let flags = (probed["packets"] as? [[String: Any]] ?? []).compactMap { $0["flags"] as? String }
        XCTAssertGreaterThan(flags.count, 60, "the cut stream lost its packets")
        XCTAssertFalse(flags.contains { $0.hasPrefix("K") }, "the cut stream still has a keyframe: \(flags)")
        let result = try convoy(["plan", path("cut.ts"), "--segments", "2", "-o", path("plan.json")])
        XCTAssertEqual(result.status, 65, result.stderrText)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderrText)
        XCTAssertTrue(result.stderrText.contains("cut.ts") && result.stderrText.contains("no keyframe"), result.stderrText)
        assertNoCrashTrace(result)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("plan.json")))
    }

    /// An MP4 with a subtitle stream (mov_text, French), a timecode data stream and container
    /// metadata: after the join each stream is there once, the subtitles' packets are the
    /// original's, and the metadata is the one-machine run's.
    func testJoinCopiesSubtitlesDataAndMetadataOnceFromTheOriginal() throws {
        try Data("1\n00:00:00,200 --> 00:00:01,000\nOne\n\n2\n00:00:01,500 --> 00:00:02,500\nTwo\n".utf8)
            .write(to: URL(fileURLWithPath: path("subs.srt")))
        let input = path("in.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30:duration=3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
                    "-i", path("subs.srt"), "-map", "0", "-map", "1", "-map", "2",
                    "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", "-x264-params", "keyint=10:min-keyint=10:scenecut=0",
                    "-c:a", "aac", "-c:s", "mov_text", "-timecode", "01:00:00:00", "-metadata", "title=Convoy join", "-metadata", "comment=once",
                    "-metadata:s:s:0", "language=fra", input])
        let kinds = try streams(input).compactMap { $0["codec_type"] as? String }
        XCTAssertEqual(kinds, ["video", "audio", "subtitle", "data"], "the test input lacks a stream")
        try convoySucceeds(["filter", input, "-o", path("single.mp4"), "--kernel", "box"])
        XCTAssertEqual(try plan(input, segments: 3), 3)
        for segment in 0..<3 {
            try convoySucceeds(["filter", input, "-o", path("joined.mp4"), "--kernel", "box", "--plan", path("plan.json"),
                                "--segment", String(segment)])
            XCTAssertEqual(try streams(path("joined.mp4.parts/\(segment).mp4")).count, 1, "a part carries the video alone")
        }
        try convoySucceeds(["join", path("plan.json"), "-o", path("joined.mp4")])
        let joined = path("joined.mp4"), single = path("single.mp4")
        XCTAssertEqual(try streams(joined).compactMap { $0["codec_type"] as? String }, try streams(single).compactMap { $0["codec_type"] as? String })
        XCTAssertEqual(try streams(joined).filter { $0["codec_type"] as? String == "subtitle" }.count, 1)
        XCTAssertEqual(try packets(joined, stream: "s:0").map(\.pts), try packets(input, stream: "s:0").map(\.pts))
        XCTAssertEqual(try packets(joined, stream: "a:0").map(\.pts), try packets(input, stream: "a:0").map(\.pts))
        XCTAssertEqual(try tags(joined, "format_tags=title,comment"), ["title": "Convoy join", "comment": "once"])
        XCTAssertEqual(try tags(joined, "stream_tags=language", stream: "s:0"), ["language": "fra"])
        XCTAssertEqual(try tags(joined, "stream_tags=timecode", stream: "d:0"), try tags(single, "stream_tags=timecode", stream: "d:0"))
        XCTAssertEqual(try decodedFrameCount(joined), try decodedFrameCount(input))
        XCTAssertEqual(try framePresentationTimes(joined), try framePresentationTimes(single))
    }

    /// `--visualize` does not split into segments (a choice: the heatmap video is a preview of one
    /// run): refused with one line before anything is written.
    func testVisualizeWithAPlanIsRefusedInOneLine() throws {
        let input = try clip()
        XCTAssertEqual(try plan(input, segments: 2), 2)
        let result = try convoy(["features", input, "--model", tinyModel, "-o", path("f.npy"), "--visualize", path("heat.mp4"),
                                 "--plan", path("plan.json"), "--segment", "0"])
        XCTAssertEqual(result.status, 64, result.stderrText)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderrText)
        XCTAssertTrue(result.stderrText.contains("--visualize"), result.stderrText)
        assertNoCrashTrace(result)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("f.npy.parts")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("heat.mp4")))
    }

    /// docs/SEGMENTS.md's example plan is real: the same clip planned the same way gives its
    /// `video` and `segments` exactly, and its `input` has the keys Convoy writes.
    func testTheDocumentedPlanIsWhatPlanWrites() throws {
        let doc = try String(contentsOf: Tools.packageRoot.appendingPathComponent("docs/SEGMENTS.md"), encoding: .utf8)
        let block = try XCTUnwrap(doc.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "\n```").first)
        let documented = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(block.utf8)) as? NSDictionary)
        let film = path("film.mp4")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", "-g", "15", "-bf", "2", film])
        XCTAssertEqual(try plan(film, segments: 2), 2)
        let written = try XCTUnwrap(JSONSerialization.jsonObject(with: fileData(path("plan.json")) ?? Data()) as? NSDictionary)
        XCTAssertEqual(Set(documented.allKeys as? [String] ?? []), Set(written.allKeys as? [String] ?? []))
        for key in ["format", "version", "video", "segments"] {
            XCTAssertEqual(documented[key] as? NSObject, written[key] as? NSObject, "docs/SEGMENTS.md's \(key) is not what convoy plan writes")
        }
        let documentedInput = try XCTUnwrap(documented["input"] as? [String: Any]), writtenInput = try XCTUnwrap(written["input"] as? [String: Any])
        XCTAssertEqual(Set(documentedInput.keys), Set(writtenInput.keys))
    }

    /// ffprobe's tags of the container (`format_tags=…`) or of one stream (`stream_tags=…`).
    private func tags(_ file: String, _ entries: String, stream: String? = nil) throws -> [String: String] {
        let json = try ffprobeJSON((stream.map { ["-select_streams", $0] } ?? []) + ["-show_entries", entries, file])
        let holder = stream == nil ? json["format"] as? [String: Any] : (json["streams"] as? [[String: Any]])?.first
        return holder?["tags"] as? [String: String] ?? [:]
    }
}
