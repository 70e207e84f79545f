import Foundation
import XCTest

/// Streams that change under you (issue 18, item 4): joined MPEG-TS broadcasts whose size and
/// pixel format change, an H.264 stream whose SPS changes in nut, joined y4m streams and folders of
/// pictures of mixed sizes. As ffmpeg does, every picture is scaled to the size and format the
/// stream began with, each change is reported once with its time, and no frame is lost; `--strict`
/// refuses the change. Inputs and references are ffmpeg's.
final class StreamChangeTests: ConvoyTestCase {
    /// 25 frames of 160×120 yuv420p, then 25 of 320×240 yuv444p, in one transport stream (the
    /// second part's clock continues the first's, as a broadcast's does).
    private func joinedTransportStream() throws -> String {
        let first = try makeClip("a.ts", size: "160x120", rate: "25", duration: 1, audio: false,
                                 videoCodec: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], extra: ["-f", "mpegts"])
        let second = try makeClip("b.ts", size: "320x240", rate: "25", duration: 1, audio: false,
                                  videoCodec: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"],
                                  extra: ["-output_ts_offset", "1", "-f", "mpegts"])
        let joined = path("joined.ts")
        try shell("cat '\(first)' '\(second)' > '\(joined)'")
        return joined
    }

    /// The time ffprobe gives the first decoded frame whose width is not the first frame's.
    private func firstChangedFrameTime(_ file: String) throws -> Double {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "frame=width,pts_time", file])
        let frames = json["frames"] as? [[String: Any]] ?? []
        let width = frames.first?["width"] as? Int
        let changed = try XCTUnwrap(frames.first { $0["width"] as? Int != width }, "ffprobe sees no change in \(file)")
        return try XCTUnwrap(Double(changed["pts_time"] as? String ?? ""))
    }

    /// The warnings that report a change, and the time each gives.
    private func changeReports(_ result: ProcessResult) -> [(line: String, seconds: Double?)] {
        result.stderrLines.filter { $0.contains("the video changes from") }.map { line in
            let time = line.range(of: " at ").flatMap { Double(line[$0.upperBound...].prefix { $0 != " " }) }
            return (line, time)
        }
    }

    func testJoinedTransportStreamIsScaledToItsFirstSizeAsFFmpegScalesIt() throws {
        let input = try joinedTransportStream()
        let output = path("out.mkv")
        let result = try convoySucceeds(["filter", input, "--space", "yuv", "--kernel", "identity", "--codec", "ffv1", "-o", output])
        let reports = changeReports(result)
        XCTAssertEqual(reports.count, 1, "the change is not reported once: \(result.stderrText)")
        XCTAssertTrue(reports.first?.line.contains("from 160x120 yuv420p to 320x240 yuv444p") == true, result.stderrText)
        XCTAssertEqual(reports.first?.seconds ?? -1, try firstChangedFrameTime(input), accuracy: 0.001, result.stderrText)
        // ffmpeg, asked for the same, scales the second part to the first part's size and format.
        let reference = path("reference.mkv")
        try ffmpeg(["-i", input, "-c:v", "ffv1", reference])
        XCTAssertEqual(try decodedFrameCount(output), 50)
        XCTAssertEqual(try decodedFrameCount(reference), 50)
        let video = try XCTUnwrap(try stream(output, type: "video"))
        XCTAssertEqual(video["width"] as? Int, 160)
        XCTAssertEqual(video["height"] as? Int, 120)
        XCTAssertEqual(video["pix_fmt"] as? String, "yuv420p")
        let frames = try rawFrames(output, pixelFormat: "yuv420p"), expected = try rawFrames(reference, pixelFormat: "yuv420p")
        XCTAssertEqual(frames.frameCount, 50)
        assertAgree(frames, expected, margin: 0, tolerance: 3)
        XCTAssertEqual(try framePresentationTimes(output).count, 50)
    }

    func testStrictRefusesAStreamThatChanges() throws {
        let input = try joinedTransportStream()
        for command in [["filter", input, "--kernel", "identity", "-o", path("out.mkv")],
                        ["features", input, "--model", Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path,
                         "-o", path("out.npy")]] {
            let result = try convoy(command + ["--strict", "-q"])
            assertNoCrashTrace(result)
            XCTAssertEqual(result.status, 65, result.summary)
            XCTAssertEqual(result.stderrLines.count, 1, result.summary)
            XCTAssertTrue(result.stderrText.contains("joined.ts: the video changes from 160x120 yuv420p to 320x240 yuv444p"), result.summary)
            XCTAssertTrue(result.stderrText.contains("--strict"), result.summary)
            XCTAssertEqual(directoryListing().filter { $0.hasPrefix("out") || $0.hasPrefix(".out") }, [], "something was written")
        }
    }

    /// An H.264 stream whose sequence parameter set changes the size (two raw streams joined, put
    /// into nut by stream copy): a learned model's features are computed on pictures of the first
    /// size, one row per frame.
    func testFeaturesOfAnSPSChangeInNutUseTheFirstSize() throws {
        let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "h264"]
        let first = try makeClip("a.h264", size: "160x120", rate: "25", duration: 1, audio: false, videoCodec: x264)
        let second = try makeClip("b.h264", size: "200x152", rate: "25", duration: 1, audio: false, videoCodec: x264)
        try shell("cat '\(first)' '\(second)' > '\(path("joined.h264"))'")
        let input = path("joined.nut")
        try ffmpeg(["-f", "h264", "-framerate", "25", "-i", path("joined.h264"), "-c", "copy", input])
        XCTAssertEqual(try decodedFrameCount(input), 50)
        let output = path("features.npy")
        let model = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        let result = try convoySucceeds(["features", input, "--model", model, "-o", output])
        let reports = changeReports(result)
        XCTAssertEqual(reports.count, 1, result.stderrText)
        XCTAssertTrue(reports.first?.line.contains("from 160x120 yuv420p to 200x152 yuv420p") == true, result.stderrText)
        XCTAssertEqual(reports.first?.seconds ?? -1, try firstChangedFrameTime(input), accuracy: 0.001, result.stderrText)
        // tiny-features halves the picture once (a 2×2 max pool): 32 maps of 60×80 for 120×160.
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import numpy, sys; print(numpy.load(sys.argv[1]).shape)", output])
        XCTAssertEqual(check.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "(50, 32, 60, 80)", check.summary)
    }

    /// y4m has one header: a second stream joined to the first is not a change of size but bytes
    /// that are no frame, where ffmpeg stops reading. Convoy stops there too, keeps the frames
    /// before and says so; `--strict` refuses it.
    func testJoinedY4MStopsWhereFFmpegStops() throws {
        let first = try makeClip("a.y4m", size: "160x120", rate: "25", duration: 1, audio: false, videoCodec: ["-pix_fmt", "yuv420p"])
        let second = try makeClip("b.y4m", size: "320x240", rate: "25", duration: 1, audio: false, videoCodec: ["-pix_fmt", "yuv420p"])
        let input = path("joined.y4m")
        try shell("cat '\(first)' '\(second)' > '\(input)'")
        let frames = try ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", input, "-f", "framemd5", "-"])
        let ffmpegFrames = frames.stdoutLines.filter { !$0.hasPrefix("#") }.count
        XCTAssertEqual(ffmpegFrames, 25, frames.summary)
        let output = path("out.mkv")
        let result = try convoySucceeds(["filter", input, "--kernel", "identity", "--codec", "ffv1", "-o", output, "--summary", "json"])
        XCTAssertEqual(try decodedFrameCount(output), ffmpegFrames)
        XCTAssertTrue(result.stderrText.contains("joined.y4m: reading stopped early"), result.stderrText)
        XCTAssertTrue(result.stderrText.contains("\"input_ended_early\":true"), result.stderrText)
        let strict = try convoy(["filter", input, "--kernel", "identity", "-o", path("strict.mkv"), "--strict", "-q"])
        XCTAssertEqual(strict.status, 65, strict.summary)
        XCTAssertEqual(strict.stderrLines.count, 1, strict.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("strict.mkv")))
    }

    /// A folder of pictures of two sizes: each picture of the other size is scaled to the first
    /// one's and named in a warning; `--strict` refuses the folder.
    func testPictureFolderOfMixedSizesIsScaledToTheFirstPicture() throws {
        let folder = path("photos")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, size) in [("a.png", "64x48"), ("b.png", "96x72"), ("c.png", "64x48")] {
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(size):duration=1", "-frames:v", "1", "\(folder)/\(name)"])
        }
        let output = path("out") + "/"
        let result = try convoySucceeds(["filter", folder, "--kernel", "identity", "-o", output])
        let reports = changeReports(result).map(\.line)
        XCTAssertEqual(reports.count, 2, result.stderrText)
        XCTAssertTrue(reports.first?.contains("from 64x48 rgb24 to 96x72 rgb24 in b.png") == true, result.stderrText)
        XCTAssertTrue(reports.last?.contains("from 96x72 rgb24 to 64x48 rgb24 in c.png") == true, result.stderrText)
        XCTAssertEqual(directoryListing(path("out")), ["a.png", "b.png", "c.png"])
        for name in ["a.png", "b.png", "c.png"] {
            let video = try XCTUnwrap(try stream(path("out/\(name)"), type: "video"))
            XCTAssertEqual(video["width"] as? Int, 64, name)
            XCTAssertEqual(video["height"] as? Int, 48, name)
        }
        // b.png, scaled by ffmpeg to the first picture's size, is what Convoy wrote.
        try ffmpeg(["-i", "\(folder)/b.png", "-vf", "scale=64:48:flags=bicubic", path("b-reference.png")])
        assertAgree(try rawFrames(path("out/b.png")), try rawFrames(path("b-reference.png")), margin: 0, tolerance: 3)

        let strict = try convoy(["filter", folder, "--kernel", "identity", "-o", path("strict") + "/", "--strict", "-q"])
        assertNoCrashTrace(strict)
        XCTAssertEqual(strict.status, 65, strict.summary)
        XCTAssertEqual(strict.stderrLines.count, 1, strict.summary)
        XCTAssertTrue(strict.stderrText.contains("in b.png"), strict.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("strict")), "--strict left \(directoryListing(path("strict")))")
    }
}
