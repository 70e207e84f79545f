import ArgumentParser
import Foundation

/// `convoy-bench`: convolution layers alone, timed on random Float32 inputs, for `make bench`.
struct ConvoyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convoy-bench",
        abstract: "Time Convoy's convolution layers alone on random frames and print one JSON line per case.",
        discussion: """
        Each case is built once, run once to warm up, then timed over whole batches; the line \
        gives the median milliseconds per frame and the GFLOP/s (2 FLOPs per multiply-add of the \
        convolution, nothing else counted). The convolutions run as `convoy` runs them: the tiles \
        of a batch shared among the worker threads, oneDNN single-threaded in each. \
        bench/conv_peer.py times onnxruntime on the same shapes.
        """
    )

    @Option(name: .customLong("case"), help: ArgumentHelp(
        "A case to run (repeat the option for several); all of them when omitted.",
        discussion: "Cases: \(BenchCase.allCases.map(\.rawValue).joined(separator: ", "))."
    ))
    var cases: [BenchCase] = []

    @Option(help: "Frames per batch.")
    var batch = 8

    @Option(help: "Frame width in pixels.")
    var width = 1920

    @Option(help: "Frame height in pixels.")
    var height = 1080

    @Option(help: "Worker threads that share each batch.")
    var threads = 2

    @Option(name: .customLong("repeat"), help: "Timed runs of each case, after one run to warm up.")
    var repetitions = 5

    @Option(help: "The ONNX file the tiny-features-onnx case imports (the test fixture of the same network by default).")
    var onnx = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/ConvoyWeightsTests/Fixtures/onnx/tiny-features.onnx").path

    func validate() throws {
        guard batch >= 1, width >= 3, height >= 3, threads >= 1, repetitions >= 1 else {
            throw ValidationError("Batch, threads and repeat must be at least 1, width and height at least 3.")
        }
    }

    func run() throws {
        for benchCase in cases.isEmpty ? BenchCase.allCases : cases {
            let workload = try BenchWorkload(benchCase, batch: batch, width: width, height: height, threads: threads, onnx: onnx)
            workload.run()
            var seconds: [Double] = []
            for _ in 0..<repetitions {
                let start = DispatchTime.now().uptimeNanoseconds
                workload.run()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let result = BenchResult(benchCase: benchCase, batchSeconds: seconds, batch: batch, width: width,
                                     height: height, threads: threads)
            print(result.jsonLine)
            fflush(stdout)
        }
    }
}
