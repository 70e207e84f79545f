import ConvoyMedia
import Foundation
import XCTest

final class MediaTests: XCTestCase {
    func testMissingInputIsAnFFmpegErrorSayingSo() {
        XCTAssertThrowsError(try InputFile("/nonexistent/clip.mp4")) { error in
            guard let error = error as? FFmpegError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.isMissingFile)
            XCTAssertEqual(error.function, "avformat_open_input")
            XCTAssertTrue(error.description.contains("No such file"), error.description)
        }
    }

    func testEncoderSettingsDefaults() {
        let defaults = EncoderSettings()
        XCTAssertEqual(defaults.codec, "libx264")
        XCTAssertEqual(defaults.crf, 20)
        XCTAssertEqual(defaults.preset, "veryfast")
        XCTAssertNil(defaults.pixelFormat)
        XCTAssertTrue(defaults.usesDefaultRateControl)
        let withBitrate = EncoderSettings(bitrate: 2_000_000)
        XCTAssertNil(withBitrate.crf, "a bit rate replaces the default CRF")
        XCTAssertFalse(EncoderSettings(crf: 30).usesDefaultRateControl)
    }

    func testUnknownEncoderAndPixelFormatAreMediaErrors() {
        let picture = VideoEncoder.Picture(width: 64, height: 48, timeBase: .init(num: 1, den: 25), frameRate: nil,
                                           color: ColorProperties())
        XCTAssertThrowsError(try VideoEncoder(settings: EncoderSettings(codec: "nosuchcodec"), picture: picture, globalHeader: false)) {
            XCTAssertEqual($0 as? MediaError, .unknownEncoder("nosuchcodec"))
        }
        XCTAssertThrowsError(try VideoEncoder(settings: EncoderSettings(codec: "aac"), picture: picture, globalHeader: false)) {
            XCTAssertEqual($0 as? MediaError, .notVideoEncoder("aac"))
        }
        XCTAssertThrowsError(try VideoEncoder(settings: EncoderSettings(codec: "libx264", pixelFormat: "nv99"), picture: picture, globalHeader: false)) {
            XCTAssertEqual($0 as? MediaError, .unknownPixelFormat("nv99"))
        }
        XCTAssertThrowsError(try VideoEncoder(settings: EncoderSettings(codec: "ffv1", crf: 10), picture: picture, globalHeader: false)) {
            XCTAssertEqual($0 as? MediaError, .invalidEncoderOption(encoder: "ffv1", option: "crf", value: "10"))
        }
        XCTAssertNoThrow(try VideoEncoder(settings: EncoderSettings(codec: "ffv1"), picture: picture, globalHeader: false),
                         "Convoy's default CRF and preset are dropped for encoders without them")
    }

    func testScalerRoundTripThroughYUV444KeepsLevels() throws {
        let width = 32, height = 16
        let rgb = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width { rgb.plane(c)[y * rgb.planes[c].stride + x] = UInt8(40 + (x * 5 + y * 3 + c * 50) % 170) }
            }
        }
        let scaler = Scaler(color: ColorProperties(space: .init(1), range: .init(2)))  // BT.709, full range
        let frame = try scaler.convert(rgb, width: width, height: height, pixelFormat: .init(rawValue: 5))  // yuv444p
        let back = PlanarImage(width: width, height: height, pixelFormat: WorkingFormat.rgb)
        try scaler.convert(frame, into: back)
        var worst = 0
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let i = y * rgb.planes[c].stride + x
                    worst = max(worst, abs(Int(rgb.plane(c)[i]) - Int(back.plane(c)[i])))
                }
            }
        }
        XCTAssertLessThanOrEqual(worst, 2, "RGB → full-range 4:4:4 YUV → RGB keeps levels")
    }
}
