import Foundation
import XCTest

/// A filtered file keeps everything but the pictures: frame count, per-frame timestamps, the
/// copied audio, and it decodes cleanly. ffprobe/ffmpeg are the reference throughout.
final class MediaRoundTripTests: ConvoyTestCase {
    func testFilteredMP4KeepsFramesTimestampsAndAudio() throws {
        let input = try makeClip("in.mp4")
        let output = path("out.mp4")
        try convoySucceeds(["filter", input, "-o", output, "--kernel", "gaussian"])

        // Frames: decoded counts and per-frame presentation times.
        let inputCount = try decodedFrameCount(input)
        XCTAssertEqual(inputCount, 60, "the generated clip should have 2 s × 30 fps frames")
        XCTAssertEqual(try decodedFrameCount(output), inputCount, "frame count changed")
        let inputTimes = try framePresentationTimes(input)
        let outputTimes = try framePresentationTimes(output)
        XCTAssertEqual(outputTimes.count, inputTimes.count)
        assertTimesEqual(outputTimes, inputTimes, tolerance: 1e-6)

        // Picture size is kept.
        let video = try XCTUnwrap(try stream(output, type: "video"))
        XCTAssertEqual(video["width"] as? Int, 320)
        XCTAssertEqual(video["height"] as? Int, 240)

        // Audio: same codec, same packets, same duration (within one packet).
        let inputAudio = try XCTUnwrap(try stream(input, type: "audio"), "the input has no audio")
        let outputAudio = try XCTUnwrap(try stream(output, type: "audio"), "the output lost the audio stream")
        XCTAssertEqual(outputAudio["codec_name"] as? String, inputAudio["codec_name"] as? String)
        XCTAssertEqual(outputAudio["sample_rate"] as? String, inputAudio["sample_rate"] as? String)
        XCTAssertEqual(outputAudio["channels"] as? Int, inputAudio["channels"] as? Int)
        let inputPackets = try packets(input, stream: "a:0")
        let outputPackets = try packets(output, stream: "a:0")
        XCTAssertGreaterThan(inputPackets.count, 50)
        XCTAssertEqual(outputPackets.count, inputPackets.count, "audio packet count changed")
        let onePacket = inputPackets.map(\.duration).max() ?? 0.03
        let inputDuration = try XCTUnwrap(Double(inputAudio["duration"] as? String ?? ""))
        let outputDuration = try XCTUnwrap(Double(outputAudio["duration"] as? String ?? ""))
        XCTAssertEqual(outputDuration, inputDuration, accuracy: onePacket, "audio duration changed by more than one packet")
        // Copied packets keep their timestamps, so audio stays in sync with the video.
        assertTimesEqual(outputPackets.map(\.pts), inputPackets.map(\.pts), tolerance: 1e-6, what: "audio packet pts")

        XCTAssertEqual(try decodeErrors(output), "", "the output does not decode cleanly")
    }

    /// The video stream lasts as long as the input's: the last frame keeps its duration.
    func testVideoStreamDurationIsKept() throws {
        let input = try makeClip("in.mp4", audio: false)
        let output = path("out.mp4")
        try convoySucceeds(["filter", input, "-o", output, "--kernel", "box"])
        let inputVideo = try XCTUnwrap(try stream(input, type: "video"))
        let outputVideo = try XCTUnwrap(try stream(output, type: "video"))
        let inputDuration = try XCTUnwrap(Double(inputVideo["duration"] as? String ?? ""))
        let outputDuration = try XCTUnwrap(Double(outputVideo["duration"] as? String ?? ""))
        XCTAssertEqual(inputDuration, 2.0, accuracy: 0.001)
        XCTAssertEqual(outputDuration, inputDuration, accuracy: 0.5 / 30,
                       "the video stream's duration changed (the last frame lost its duration?)")
        // The packets carry durations, as ffmpeg's own encodes do. (Matroska stores them per
        // block; mp4 stores only the sample table, from which its demuxer does not rebuild them.)
        let matroska = path("out.mkv")
        try convoySucceeds(["filter", input, "-o", matroska, "--kernel", "box"])
        let video = try packets(matroska, stream: "v:0")
        XCTAssertFalse(video.isEmpty)
        XCTAssertEqual(video.filter { abs($0.duration - 1.0 / 30) > 0.002 }.count, 0, "video packets without a frame's duration")
    }

    /// Audio is copied into every container that can hold it, not only mp4.
    func testAudioIsCopiedIntoOtherContainers() throws {
        let input = try makeClip("in.mkv", duration: 1)
        let inputPackets = try packets(input, stream: "a:0").count
        XCTAssertGreaterThan(inputPackets, 0)
        for name in ["out.mkv", "out.nut", "out.ts"] {
            let output = path(name)
            try convoySucceeds(["filter", input, "-o", output, "--kernel", "box"])
            let audio = try stream(output, type: "audio")
            XCTAssertEqual(audio?["codec_name"] as? String, "aac", "\(name): the audio stream was left out")
            XCTAssertEqual(try packets(output, stream: "a:0").count, inputPackets, "\(name): audio packets lost")
            XCTAssertEqual(try decodedFrameCount(output), 30, "\(name): frame count changed")
            XCTAssertEqual(try decodeErrors(output), "", "\(name) does not decode cleanly")
        }
    }
}

extension ConvoyTestCase {
    /// Asserts two lists of times have the same length and agree element by element.
    func assertTimesEqual(_ actual: [Double], _ expected: [Double], tolerance: Double, what: String = "frame pts",
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        var mismatches: [String] = []
        for (index, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance) {
            mismatches.append("#\(index): \(a) vs \(e)")
        }
        XCTAssertTrue(mismatches.isEmpty, "\(what) differ at \(mismatches.count) places: \(mismatches.prefix(8).joined(separator: ", "))",
                      file: file, line: line)
    }
}
