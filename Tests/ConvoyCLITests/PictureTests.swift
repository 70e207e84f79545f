import Foundation
import XCTest

/// Photographs in and out: scikit-image's bundled pictures (`SamplePictures`) filtered into PNG,
/// JPEG, TIFF and sequences, each output checked with ffprobe (codec, size, pixel format) and
/// against ffmpeg's own `convolution` filter on the same input.
final class PictureTests: ConvoyTestCase {
    private let binomial = "1 2 1 2 4 2 1 2 1"
    private let binomialSpec = "[1 2 1; 2 4 2; 1 2 1]/16"

    /// ffmpeg's convolution with the binomial matrix on planes 0…2 (and 3 with `alpha`).
    private func reference(alpha: Bool = false) -> String {
        let planes = alpha ? 0...3 : 0...2
        return "convolution=" + planes.map { "\($0)m='\(binomial)':\($0)rdiv=1/16" }.joined(separator: ":")
    }

    /// codec_name, width, height, pix_fmt and color_range of the first video stream.
    private func describe(_ file: String) throws -> (codec: String, width: Int, height: Int, pixelFormat: String, range: String) {
        let json = try ffprobeJSON(["-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,pix_fmt,color_range", file])
        let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
        return (stream["codec_name"] as? String ?? "", stream["width"] as? Int ?? 0, stream["height"] as? Int ?? 0,
                stream["pix_fmt"] as? String ?? "", stream["color_range"] as? String ?? "")
    }

    func testPhotoToPNGMatchesFFmpegConvolution() throws {
        let photo = try SamplePictures.path("astronaut.png")
        let ours = path("astronaut-blur.png")
        let result = try convoySucceeds(["filter", photo, "--kernel", binomialSpec, "-o", ours])
        XCTAssertEqual(result.status, 0)
        let described = try describe(ours)
        XCTAssertEqual(described.codec, "png")
        XCTAssertEqual(described.width, 512)
        XCTAssertEqual(described.height, 512)
        XCTAssertEqual(described.pixelFormat, "rgb24")
        XCTAssertEqual(temporaryLeftovers(), [], "a staging folder or temporary file was left")

        let expected = path("ref.png")
        try ffmpeg(["-i", photo, "-vf", "format=gbrp,\(reference())", expected])
        let actual = try rawFrames(ours, pixelFormat: "gbrp")
        XCTAssertEqual(actual.frameCount, 1)
        assertAgree(actual, try rawFrames(expected, pixelFormat: "gbrp"), margin: 2, tolerance: 1)
        let input = try rawFrames(photo, pixelFormat: "gbrp")
        XCTAssertLessThan(actual.meanHorizontalGradient(), 0.8 * input.meanHorizontalGradient(), "the photo was not blurred")
    }

    /// JPEG in (full-range yuvj444p), JPEG out: full range again, at a good default quality; and
    /// the picture Convoy read from the JPEG is the one ffmpeg reads.
    func testJPEGStaysFullRangeAndMatchesFFmpeg() throws {
        let photo = try SamplePictures.path("rocket.jpg")
        let jpeg = path("rocket-blur.jpg")
        try convoySucceeds(["filter", photo, "--kernel", binomialSpec, "-o", jpeg])
        let described = try describe(jpeg)
        XCTAssertEqual(described.codec, "mjpeg")
        XCTAssertEqual(described.width, 640)
        XCTAssertEqual(described.height, 427)
        XCTAssertEqual(described.pixelFormat, "yuvj444p")
        XCTAssertEqual(described.range, "pc")

        // Against ffmpeg's own blur of the same JPEG, written the same way: a range mistake
        // (limited read as full or back) would shift every level by up to 16, lossy coding by ~1.
        let expected = path("ref.png")
        try ffmpeg(["-i", photo, "-vf", "format=gbrp,\(reference())", expected])
        let ours = try rawFrames(jpeg, pixelFormat: "gbrp")
        let theirs = try rawFrames(expected, pixelFormat: "gbrp")
        var total = 0, count = 0
        for (a, b) in zip(ours.bytes, theirs.bytes) {
            total += abs(Int(a) - Int(b))
            count += 1
        }
        XCTAssertLessThan(Double(total) / Double(count), 1.5, "the JPEG's levels drifted from ffmpeg's (range or quality)")

        // Lossless out: within one level of ffmpeg away from the borders.
        let png = path("rocket-blur.png")
        try convoySucceeds(["filter", photo, "--kernel", binomialSpec, "-o", png])
        XCTAssertEqual(try describe(png).pixelFormat, "rgb24")
        assertAgree(try rawFrames(png, pixelFormat: "gbrp"), theirs, margin: 2, tolerance: 1)
    }

    /// `--quality` changes the JPEG: lower quality, smaller file.
    func testQualityChangesTheJPEG() throws {
        let photo = try SamplePictures.path("astronaut.png")
        try convoySucceeds(["filter", photo, "--kernel", "sharpen", "-o", path("high.jpg")])
        try convoySucceeds(["filter", photo, "--kernel", "sharpen", "-o", path("low.jpg"), "--quality", "20"])
        let high = fileData(path("high.jpg"))?.count ?? 0
        let low = fileData(path("low.jpg"))?.count ?? 0
        XCTAssertGreaterThan(high, 2 * low, "quality 20 should be far smaller than the default 97")
        XCTAssertEqual(try describe(path("high.jpg")).pixelFormat, "yuvj444p", "RGB into JPEG keeps full chroma, as ffmpeg")
    }

    /// 16-bit PNG stays 16-bit, and matches ffmpeg's 16-bit convolution; TIFF too.
    func testSixteenBitPNGAndTIFFStaySixteenBit() throws {
        let picture = try SamplePictures.path("chessboard_RGB.png")
        let ours = path("board.png")
        try convoySucceeds(["filter", picture, "--kernel", binomialSpec, "-o", ours])
        XCTAssertEqual(try describe(ours).pixelFormat, "rgb48be")
        let tiff = path("board.tif")
        try convoySucceeds(["filter", picture, "--kernel", binomialSpec, "-o", tiff])
        let tiffDescription = try describe(tiff)
        XCTAssertEqual(tiffDescription.codec, "tiff")
        XCTAssertTrue(tiffDescription.pixelFormat.hasPrefix("rgb48"), "TIFF went to \(tiffDescription.pixelFormat)")

        let expected = path("ref.png")
        try ffmpeg(["-i", picture, "-vf", "format=gbrp16le,\(reference())", "-pix_fmt", "rgb48be", expected])
        func samples(_ file: String) throws -> [UInt16] {
            let data = try ffmpeg(["-i", file, "-f", "rawvideo", "-pix_fmt", "gbrp16le", "-"]).stdout
            return data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        }
        for file in [ours, tiff] {
            let actual = try samples(file), wanted = try samples(expected)
            XCTAssertEqual(actual.count, 200 * 200 * 3)
            XCTAssertEqual(actual.count, wanted.count)
            var worst = 0, intermediate = 0
            for plane in 0..<3 {
                for y in 2..<198 {
                    for x in 2..<198 {
                        let index = plane * 40000 + y * 200 + x
                        worst = max(worst, abs(Int(actual[index]) - Int(wanted[index])))
                        if actual[index] % 257 != 0 { intermediate += 1 }
                    }
                }
            }
            XCTAssertLessThanOrEqual(worst, 1, "\(file) differs from ffmpeg's 16-bit convolution")
            XCTAssertGreaterThan(intermediate, 100, "\(file): the blur's levels between 8-bit steps were lost")
        }
    }

    /// Alpha is copied unfiltered by default and filtered with --alpha filter, the colour planes
    /// as ffmpeg's convolution on gbrap. The photograph gets a round alpha mask from ffmpeg.
    func testAlphaIsCopiedOrFiltered() throws {
        let logo = path("masked.png")
        try ffmpeg(["-i", try SamplePictures.path("astronaut.png"), "-vf",
                    "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(hypot(X-256,Y-256),180),255,0)'", logo])
        let copied = path("copied.png"), filtered = path("filtered.png")
        try convoySucceeds(["filter", logo, "--kernel", binomialSpec, "-o", copied])
        try convoySucceeds(["filter", logo, "--kernel", binomialSpec, "--alpha", "filter", "-o", filtered])
        XCTAssertEqual(try describe(copied).pixelFormat, "rgba")
        XCTAssertEqual(try describe(filtered).pixelFormat, "rgba")

        let input = try rawFrames(logo, pixelFormat: "gbrap")
        let reference = path("ref.png"), referenceAll = path("ref-all.png")
        try ffmpeg(["-i", logo, "-vf", "format=gbrap,\(self.reference())", "-pix_fmt", "rgba", reference])
        try ffmpeg(["-i", logo, "-vf", "format=gbrap,\(self.reference(alpha: true))", "-pix_fmt", "rgba", referenceAll])
        let ours = try rawFrames(copied, pixelFormat: "gbrap")
        XCTAssertTrue(ours.plane(3, frame: 0).elementsEqual(input.plane(3, frame: 0)), "the alpha plane was changed")
        assertAgree(ours, try rawFrames(reference, pixelFormat: "gbrap"), margin: 2, tolerance: 1)
        let oursAll = try rawFrames(filtered, pixelFormat: "gbrap")
        let changed = zip(oursAll.plane(3, frame: 0), input.plane(3, frame: 0)).filter { $0 != $1 }.count
        XCTAssertGreaterThan(changed, 1000, "--alpha filter left alpha (nearly) as it was")
        assertAgree(oursAll, try rawFrames(referenceAll, pixelFormat: "gbrap"), margin: 2, tolerance: 1)
    }

    /// The codec follows the extension as ffmpeg chooses it.
    func testCodecFollowsTheContainer() throws {
        let photo = try SamplePictures.path("chelsea.png")
        let expectations: [(String, String)] = [("out.bmp", "bmp"), ("out.tiff", "tiff"), ("out.jpeg", "mjpeg"), ("out.gif", "gif")]
            + (encoderExists("libwebp") ? [("out.webp", "webp")] : [])
            + (encoderExists("libvpx-vp9") ? [("out.webm", "vp9")] : [])
        for (name, codec) in expectations {
            try convoySucceeds(["filter", photo, "--kernel", "box", "-o", path(name)])
            let described = try describe(path(name))
            XCTAssertEqual(described.codec, codec, name)
            XCTAssertEqual(described.width, 451, name)
            XCTAssertEqual(described.height, 300, name)
        }
        XCTAssertEqual(temporaryLeftovers(), [])
    }

    /// A video into a one-picture name is refused (exit 64) with nothing written; an existing
    /// picture is not replaced without -y.
    func testOnePictureOutputRefusesAVideoAndKeepsExistingFiles() throws {
        let clip = try makeClip("in.mp4", size: "160x120", rate: "10", duration: 0.5, audio: false)
        let result = try convoy(["filter", clip, "--kernel", "box", "-o", path("frame.png")])
        XCTAssertEqual(result.status, 64, result.summary)
        XCTAssertTrue(result.stderrText.contains("frame.png"), result.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("frame.png")))
        XCTAssertEqual(temporaryLeftovers(), [])
        assertNoCrashTrace(result)

        let photo = try SamplePictures.path("coffee.png")
        try convoySucceeds(["filter", photo, "--kernel", "box", "-o", path("coffee.png")])
        let before = fileData(path("coffee.png"))
        let again = try convoy(["filter", photo, "--kernel", "sharpen", "-o", path("coffee.png")])
        XCTAssertEqual(again.status, 73, again.summary)
        XCTAssertEqual(fileData(path("coffee.png")), before)
        try convoySucceeds(["filter", photo, "--kernel", "sharpen", "-o", path("coffee.png"), "-y"])
        XCTAssertNotEqual(fileData(path("coffee.png")), before)
    }

    /// A clip out as a numbered sequence: one picture per frame, in order, numbered from 1 (or
    /// --start-number), each the frame ffmpeg's convolution gives; read back as a sequence in.
    func testSequenceOutAndIn() throws {
        let clip = try makeClip("in.mp4", size: "160x120", rate: "10", duration: 0.6, audio: false)
        try convoySucceeds(["filter", clip, "--kernel", binomialSpec, "-o", path("out%03d.png")])
        let written = directoryListing().filter { $0.hasPrefix("out") }
        XCTAssertEqual(written, (1...6).map { String(format: "out%03d.png", $0) })
        let expected = path("ref%03d.png")
        try ffmpeg(["-i", clip, "-vf", "format=gbrp,\(reference())", expected])
        for number in 1...6 {
            assertAgree(try rawFrames(path(String(format: "out%03d.png", number)), pixelFormat: "gbrp"),
                        try rawFrames(path(String(format: "ref%03d.png", number)), pixelFormat: "gbrp"), margin: 2, tolerance: 1)
        }
        XCTAssertEqual(temporaryLeftovers(), [])
        // A folder output of a video: numbered pictures, one per frame.
        try convoySucceeds(["filter", clip, "--kernel", binomialSpec, "-o", path("frames") + "/", "--image-format", "tiff"])
        XCTAssertEqual(directoryListing(path("frames")), (1...6).map { String(format: "%06d.tiff", $0) })
        XCTAssertEqual(try describe(path("frames/000006.tiff")).codec, "tiff")

        // In again from frame 3 (ffmpeg's -start_number), out numbered from 0 into a video.
        let video = path("again.mkv")
        try convoySucceeds(["filter", path("out%03d.png"), "--start-number", "3", "--kernel", "box", "--codec", "ffv1", "-o", video])
        XCTAssertEqual(try decodedFrameCount(video), 4)
        // From 0: out000.png is missing, so the first of 0…4 that exists (out001.png) starts, as in
        // ffmpeg; the output is numbered from 0.
        try convoySucceeds(["filter", path("out%03d.png"), "--start-number", "0", "--kernel", "box", "-o", path("b%02d.jpg")])
        XCTAssertEqual(directoryListing().filter { $0.hasPrefix("b") }, (0...5).map { String(format: "b%02d.jpg", $0) })
    }

    /// A folder in, a folder out: name order, one picture per file, named after the inputs; an
    /// unreadable file is named, skipped and counted, and --strict stops at it with nothing written.
    func testFolderInAndOutSkipsABrokenPicture() throws {
        let photos = path("photos")
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        for name in ["astronaut.png", "camera.png", "ihc.png"] {
            try FileManager.default.copyItem(atPath: try SamplePictures.path(name), toPath: "\(photos)/\(name)")
        }
        try Data("not a picture at all".utf8).write(to: URL(fileURLWithPath: "\(photos)/broken.png"))

        let strict = try convoy(["filter", photos, "--kernel", binomialSpec, "-o", path("strict") + "/", "--strict"])
        XCTAssertEqual(strict.status, 65, strict.summary)
        XCTAssertTrue(strict.stderrText.contains("broken.png"), strict.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("strict")), "--strict left \(directoryListing(path("strict")))")
        assertNoCrashTrace(strict)

        let result = try convoySucceeds(["filter", photos, "--kernel", binomialSpec, "-o", path("out") + "/", "--image-format", "jpg",
                                         "--summary", "json"])
        XCTAssertTrue(result.stderrText.contains("broken.png"), result.stderrText)
        XCTAssertEqual(directoryListing(path("out")), ["astronaut.jpg", "camera.jpg", "ihc.jpg"])
        let summary = result.stderrLines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(summary?["frames_written"] as? Int, 3, result.stderrText)
        XCTAssertEqual(summary?["decode_errors"] as? Int, 1, result.stderrText)
        for name in ["astronaut", "camera", "ihc"] {
            let described = try describe(path("out/\(name).jpg"))
            XCTAssertEqual(described.codec, "mjpeg")
            XCTAssertEqual(described.width, 512)
        }
        // camera.png is grey: its output is grey too (the blur of a grey picture stays grey).
        XCTAssertEqual(try describe(path("out/camera.jpg")).pixelFormat, "yuvj444p")
        // Lossless check of one of them against ffmpeg.
        try convoySucceeds(["filter", photos, "--kernel", binomialSpec, "-o", path("png") + "/"])
        XCTAssertEqual(directoryListing(path("png")), ["astronaut.png", "camera.png", "ihc.png"])
        try ffmpeg(["-i", "\(photos)/ihc.png", "-vf", "format=gbrp,\(reference())", path("ref.png")])
        assertAgree(try rawFrames(path("png/ihc.png"), pixelFormat: "gbrp"), try rawFrames(path("ref.png"), pixelFormat: "gbrp"),
                    margin: 2, tolerance: 1)
        // Written again without -y: refused, the pictures untouched.
        let again = try convoy(["filter", photos, "--kernel", "sharpen", "-o", path("png") + "/"])
        XCTAssertEqual(again.status, 73, again.summary)
        XCTAssertEqual(temporaryLeftovers(in: path("png")), [])
    }

    /// Features of a folder: one row per readable picture and a CSV naming each one's file.
    func testFeaturesOfAFolderNameTheFiles() throws {
        let photos = path("photos")
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        for name in ["motorcycle_left.png", "motorcycle_right.png"] {
            try FileManager.default.copyItem(atPath: try SamplePictures.path(name), toPath: "\(photos)/\(name)")
        }
        try Data([0x89, 0x50, 0x4e, 0x47]).write(to: URL(fileURLWithPath: "\(photos)/b-cut.png"))
        let model = Tools.packageRoot.appendingPathComponent("Samples/Models/tiny-features.yaml").path
        try convoySucceeds(["features", photos, "--model", model, "-o", path("feats.npy"), "--pool", "avg"])
        let csv = try String(contentsOfFile: path("feats.files.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n"), ["frame,file", "1,motorcycle_left.png", "2,motorcycle_right.png"])
        let header = String(decoding: (fileData(path("feats.npy")) ?? Data()).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (2,"), header)
    }

    /// A contact sheet of one picture.
    func testPreviewOfAPicture() throws {
        let photo = try SamplePictures.path("coffee.png")
        try convoySucceeds(["preview", photo, "--kernel", "sobel", "-o", path("sheet.png"), "--width", "200"])
        let described = try describe(path("sheet.png"))
        XCTAssertEqual(described.codec, "png")
        XCTAssertEqual(described.width, 2 * 200 + 3 * 8)
    }

    private func encoderExists(_ name: String) -> Bool {
        let result = try? ProcessRunner.run(Tools.ffmpeg, ["-hide_banner", "-h", "encoder=\(name)"])
        return result?.stdoutText.contains("Encoder \(name)") == true
    }
}
