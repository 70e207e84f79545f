import ArgumentParser
import ConvoyNN
import ConvoyTensor
import ConvoyWeights
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

        With --model, any network is timed alone instead: a YAML model file (with its weights) or an \
        ONNX file, built for --size frames and run on random frames of its input channels (samples \
        0 to 1, as Convoy feeds it) in the groups of whole frames `convoy features` uses; the FLOPs \
        are its convolutions' (as `convoy model` counts them). bench/conv_peer.py --model times the \
        same ONNX file in onnxruntime.

        Examples:
          convoy-bench --case conv-3-16 --case tiny-features
          convoy-bench --model Samples/Models/tiny-features.yaml --size 1280x720
          convoy-bench --model net.onnx --size 640x360 --batch 4 --threads 2
          convoy-bench --model net.onnx --size 768x576 --precision bf16
          convoy-bench --case conv-32-32 --engine im2col --width 640 --height 360
          convoy-bench --peak --threads 2

        With --peak, the machine's FP32 FMA peak is measured instead: independent chains of fused \
        multiply-adds with the widest kernel this processor runs (AVX-512, AVX2+FMA or scalar, from \
        CPUID at run time), on 1 thread and on --threads at once, the best of --repeat runs.
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

    @Option(help: "Time this network alone instead of the cases: a YAML model file (its weights beside it) or an ONNX file (.onnx).")
    var model: String?

    @Option(help: "With --model: the name its JSON line gives (the model file's name by default).")
    var name: String?

    @Option(help: "The frame size, as WIDTHxHEIGHT (1280x720); the same as --width and --height.")
    var size: String?

    /// `--size` as numbers, or `--width` and `--height`.
    private var frame: (width: Int, height: Int) {
        get throws {
            guard let size else { return (width, height) }
            let parts = size.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let width = parts[0], let height = parts[1] else {
                throw ValidationError("\(size): a size is WIDTHxHEIGHT, such as 1280x720.")
            }
            return (width, height)
        }
    }

    @Option(help: ArgumentHelp(
        "How networks' convolutions run: blocked (oneDNN's convolutions in blocked layouts) or im2col (im2col + SGEMM, layer by layer).",
        valueName: "engine"))
    var engine: ConvolutionEngine = .blocked

    @Option(help: ArgumentHelp(
        "What the convolutions compute in: fp32, bf16 (bf16 inputs and weights, FP32 accumulation, on CPUs with AVX512_BF16; FP32 with a notice elsewhere) or bf16-only (refused without AVX512_BF16).",
        valueName: "precision"))
    var precision: NetworkPrecision = .fp32

    @Flag(help: "Measure the machine's FP32 FMA peak (1 thread and --threads) instead of the cases.")
    var peak = false

    func validate() throws {
        let (width, height) = try frame
        guard batch >= 1, width >= 3, height >= 3, threads >= 1, repetitions >= 1 else {
            throw ValidationError("Batch, threads and repeat must be at least 1, width and height at least 3.")
        }
        if model != nil && !cases.isEmpty { throw ValidationError("Give --case or --model, not both.") }
        if name != nil && model == nil { throw ValidationError("--name goes with --model.") }
        if peak && (model != nil || !cases.isEmpty) { throw ValidationError("Give --peak alone, without --case or --model.") }
    }

    func run() throws {
        let (width, height) = try frame
        let context = ExecutionContext(threads: threads)
        context.convolutionEngine = engine
        do {
            let resolved = try precision.resolved()
            if let notice = resolved.notice { FileHandle.standardError.write(Data("convoy-bench: \(notice)\n".utf8)) }
            context.precision = resolved.precision
        } catch let error as NetworkPrecisionError {
            FileHandle.standardError.write(Data("convoy-bench: \(error)\n".utf8))
            throw ExitCode(69)
        }
        if peak {
            print(PeakResult(kernel: FMAChains.widest(), threads: threads, repetitions: repetitions).jsonLine)
            return
        }
        if let model {
            let loaded: LoadedModel
            let workload: BenchWorkload
            let flops: Int
            do {
                loaded = model.lowercased().hasSuffix(".onnx") ? try ONNXLoader.load(path: model, frameSize: SpatialPair(y: height, x: width))
                    : try ModelLoader.load(modelPath: model, frameSize: SpatialPair(y: height, x: width))
                workload = try BenchWorkload(model: loaded, batch: batch, width: width, height: height, context: context)
                flops = try loaded.resolved(height: height, width: width).flops(inputHeight: height, inputWidth: width)
            } catch let error as ModelError {
                FileHandle.standardError.write(Data("convoy-bench: \(error)\n".utf8))
                throw ExitCode(error.problem == .noSuchFile ? 66 : 65)
            } catch let error as SafeTensorsError {
                FileHandle.standardError.write(Data("convoy-bench: \(error)\n".utf8))
                throw ExitCode(error.problem == .noSuchFile ? 66 : 65)
            }
            let seconds = time(workload)
            print(BenchResult(name: name ?? URL(fileURLWithPath: model).lastPathComponent, flopPerFrame: Double(flops), batchSeconds: seconds,
                              batch: batch, width: width, height: height, threads: threads, engine: engine,
                              precision: context.precision).jsonLine)
            return
        }
        for benchCase in cases.isEmpty ? BenchCase.allCases : cases {
            let workload = try BenchWorkload(benchCase, batch: batch, width: width, height: height, context: context, onnx: onnx)
            let result = BenchResult(benchCase: benchCase, batchSeconds: time(workload), batch: batch, width: width,
                                     height: height, threads: threads, engine: engine, precision: context.precision)
            print(result.jsonLine)
            fflush(nil)   // every output stream (C's stdout is a global Swift 6 cannot share)
        }
    }

    /// One warm-up run of `workload`, then the seconds of each of `repetitions` timed runs.
    private func time(_ workload: BenchWorkload) -> [Double] {
        workload.run()
        var seconds: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            workload.run()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return seconds
    }
}
