import ConvoyMedia
import XCTest

final class RawVideoFormatTests: XCTestCase {
    func testParsesSizeFormatAndRate() throws {
        let full = try RawVideoFormat(parsing: "1920x1080:rgb24@30")
        XCTAssertEqual([full.width, full.height], [1920, 1080])
        XCTAssertEqual(full.pixelFormat, "rgb24")
        XCTAssertTrue(full.rate == (30, 1))
        XCTAssertEqual(full.frameSize, 1920 * 1080 * 3)
        XCTAssertTrue(try RawVideoFormat(parsing: "640x360:yuv420p@30000/1001").rate == (30000, 1001))
        XCTAssertTrue(try RawVideoFormat(parsing: "64X48:gray@29.97").rate == (29970, 1000))
        XCTAssertTrue(try RawVideoFormat(parsing: "64x48:gray16le").rate == (25, 1), "25 when no rate is given, as ffmpeg")
        XCTAssertEqual(try RawVideoFormat(parsing: "64x48:yuv420p10le").frameSize, 64 * 48 * 3)
    }

    func testRejectsMalformedValuesWithOneLine() {
        for text in ["", "1920x1080", "1920:rgb24", "0x10:rgb24", "10x99999:rgb24", "axb:rgb24", "10x10:nope",
                     "10x10:rgb24@0", "10x10:rgb24@-3", "10x10:rgb24@x", "10x10:rgb24@1/0", "10x10:rgb24@5000", "10x10:",
                     "4X4:\r\0\0\0@@#00", "10x10:rgb\n24", "1\n0x10:rgb24",
                     "60x360:yuv420p@.000224305771", "8x5:d3d11\0\0\n", "8x5:RGB24", "8x5:d3d11"] {  // FuzzRawSpec: a rate rounding to 0/1000 was accepted, a NUL ended the name early for FFmpeg
            XCTAssertThrowsError(try RawVideoFormat(parsing: text), text) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.hasPrefix("--raw \""), message)
                XCTAssertFalse(message.contains("\n"), message)
                XCTAssertFalse(message.unicodeScalars.contains { $0.properties.generalCategory == .control }, message)
            }
        }
        XCTAssertThrowsError(try RawVideoFormat(parsing: "4X4:\r\0\0\0@@#00")) { error in
            XCTAssertEqual(String(describing: error), #"--raw "4X4:\u{d}\u{0}\u{0}\u{0}@@#00": "\u{d}\u{0}\u{0}\u{0}" is not a pixel format FFmpeg knows (see `ffmpeg -pix_fmts`)."#,
                           "FuzzRawSpec's finding: control characters are escaped, so the message stays one line")
        }
    }

    /// FuzzRawSpec's finding (Fuzz/Regressions/FuzzRawSpec): a frame within the side limits but
    /// over FFmpeg's 2 GiB frame limit had a frame size of -22 (AVERROR(EINVAL)); such frames,
    /// and sides past the limit, are refused in one line with the numbers.
    func testRefusesFramesTooLargeWithTheNumbers() {
        let cases = ["16384x16384:rgba64le": "a 16384x16384 frame is larger than FFmpeg accepts: (width + 128) × (height + 128) must be under 268435455.",
                     "16000x16000:gbrapf32le": "a 16000x16000 gbrapf32le frame takes 4096000000 bytes, more than FFmpeg's limit of 2147483647 for one frame.",
                     "2147483648x2147483648:rgb24": "a 2147483648x2147483648 frame is outside Convoy's limits: width and height must be between 1 and 16384."]
        for (text, reason) in cases {
            XCTAssertThrowsError(try RawVideoFormat(parsing: text), text) { error in
                XCTAssertEqual((error as? RawVideoFormat.ParseError)?.reason, reason)
            }
        }
        XCTAssertEqual(try RawVideoFormat(parsing: "16000x16000:rgba64le").frameSize, 16000 * 16000 * 8, "within both limits")
    }

    /// Seeded fuzz: thousands of mutated and random values parse or throw, never crash.
    func testFuzzNeverCrashes() {
        var state: UInt64 = 2026
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let seeds = ["1920x1080:rgb24@30", "640x360:yuv420p@30000/1001", "8x8:gray@1.5", "16x16:yuv420p10le"]
        let alphabet = Array("0123456789x:@/.-abcdefgrbyuvlep ")
        var parsed = 0
        for round in 0..<4000 {
            var text = Array(seeds[round % seeds.count])
            for _ in 0..<(1 + Int(next() % 4)) {
                let position = text.isEmpty ? 0 : Int(next() % UInt64(text.count))
                switch next() % 3 {
                case 0 where !text.isEmpty: text.remove(at: position)
                case 1: text.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: position)
                default: if !text.isEmpty { text[position] = alphabet[Int(next() % UInt64(alphabet.count))] }
                }
            }
            if round % 10 == 0 { text = (0..<Int(next() % 24)).map { _ in Character(UnicodeScalar(UInt8(next() % 128))) } }
            if let format = try? RawVideoFormat(parsing: String(text)) {
                parsed += 1
                XCTAssertGreaterThan(format.frameSize, 0)
            }
        }
        XCTAssertGreaterThan(parsed, 0)
    }
}
