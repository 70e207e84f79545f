import ConvoyMedia
import Foundation
import FuzzDriver

/// Any text as a `--raw` value: it must be refused with a one-line `ParseError`, or describe a
/// frame of a positive byte count within Convoy's size limits; a small one is written once to a
/// file that FFmpeg's rawvideo demuxer then reads back as exactly one frame.
@main
enum FuzzRawSpec {
    static func main() {
        let path = Fuzzer.scratch + "/frames.raw"
        Fuzzer.run { data in
            let text = String(decoding: data, as: UTF8.self)
            let format: RawVideoFormat
            do {
                format = try RawVideoFormat(parsing: text)
            } catch let error as RawVideoFormat.ParseError {
                guard Fuzzer.isOneLine(error.description) else { Fuzzer.fail("bad message: \(error.description)") }
                return
            } catch {
                Fuzzer.fail("unexpected error type: \(type(of: error)): \(error)")
            }
            guard (1...16384).contains(format.width), (1...16384).contains(format.height),
                  format.rate.num > 0, format.rate.den > 0 else {
                Fuzzer.fail("\(text.debugDescription) gave \(format.width)x\(format.height) at \(format.rate)")
            }
            let size = format.frameSize
            guard size > 0 else { Fuzzer.fail("\(text.debugDescription): a frame of \(size) bytes") }
            guard size <= 65_536 else { return }
            FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x80, count: size))
            do {
                let frames = try VideoReader(path, raw: format, threads: 1).countFrames()
                guard frames == 1 else { Fuzzer.fail("\(text.debugDescription): \(frames) frames from one frame's bytes") }
            } catch {
                // FFmpeg may still refuse a format it can name but not demux raw (e.g. bitstream
                // formats); that is a refusal, not a crash.
            }
        }
    }
}
