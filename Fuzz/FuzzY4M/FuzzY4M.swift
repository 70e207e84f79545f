import ConvoyMedia
@testable import ConvoyPipeline
import Foundation
import FuzzDriver

/// Any bytes as a `.y4m` file through Convoy's decoding stage (`VideoSource`). FFmpeg's
/// yuv4mpegpipe demuxer parses the header; what is fuzzed is what Convoy does with what it is
/// told: the frame size and pixel format it opens the working images and the scaler for, damaged
/// and cut-off frames, odd sizes and chroma layouts. The input must be refused (a one-line
/// `ConvoyError`, exit 65 or 66) or give pictures all of the size the source announced.
@main
enum FuzzY4M {
    static func main() {
        let path = Fuzzer.scratch + "/input.y4m"
        var round = 0
        Fuzzer.run { data in
            FileManager.default.createFile(atPath: path, contents: data)
            round += 1
            let space: FilterSpace = round % 2 == 0 ? .rgb : .yuv
            do {
                let source = try VideoSource(input: path, space: space, threads: 1)
                let queue = BoundedQueue<PlanarImage>(depth: 1 << 16)
                try source.run(into: queue, counts: StageCounters())
                while let image = queue.pop() {
                    guard image.width == source.width, image.height == source.height else {
                        Fuzzer.fail("a \(image.width)×\(image.height) picture from a \(source.width)×\(source.height) source")
                    }
                }
            } catch let error as ConvoyError {
                guard [ConvoyError.dataError, ConvoyError.noInput].contains(error.exitCode), Fuzzer.isOneLine(error.message) else {
                    Fuzzer.fail("bad refusal (\(error.exitCode)): \(error.message)")
                }
            } catch {
                guard Fuzzer.isOneLine(String(describing: error)) else { Fuzzer.fail("bad message: \(error)") }
            }
        }
    }
}
