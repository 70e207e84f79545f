import ConvoyNN
import ConvoyTensor
import Foundation

/// The timings of one case, printed as one JSON line.
struct BenchResult: Encodable {
    /// The case's name (`BenchCase.rawValue`), or the model file's (`--model`).
    let name: String
    /// Median over the timed repetitions of a batch's wall time, divided by the batch size.
    let msPerFrame: Double
    /// FLOPs of a batch over the median batch time, in 10⁹ per second.
    let gflops: Double
    /// Every timed repetition, in milliseconds per frame.
    let runsMsPerFrame: [Double]
    let batch: Int
    let width: Int
    let height: Int
    let threads: Int
    let flopPerFrame: Double
    /// How the convolutions ran (`--engine`) and in what (`--precision`, as resolved).
    let engine: String
    let precision: String

    enum CodingKeys: String, CodingKey {
        case name
        case msPerFrame = "ms_per_frame"
        case gflops
        case runsMsPerFrame = "runs_ms_per_frame"
        case batch, width, height, threads
        case flopPerFrame = "flop_per_frame"
        case engine, precision
    }

    /// The result of `batchSeconds` (one entry per timed repetition of a whole batch) of a case.
    init(benchCase: BenchCase, batchSeconds: [Double], batch: Int, width: Int, height: Int, threads: Int, engine: ConvolutionEngine,
         precision: NetworkPrecision) {
        self.init(name: benchCase.rawValue, flopPerFrame: benchCase.flopsPerFrame(width: width, height: height), batchSeconds: batchSeconds,
                  batch: batch, width: width, height: height, threads: threads, engine: engine, precision: precision)
    }

    /// The result of `batchSeconds` of the workload `name`, whose frames cost `flopPerFrame`.
    init(name: String, flopPerFrame: Double, batchSeconds: [Double], batch: Int, width: Int, height: Int, threads: Int,
         engine: ConvolutionEngine, precision: NetworkPrecision) {
        precondition(!batchSeconds.isEmpty, "a result needs at least one timed run")
        let sorted = batchSeconds.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        self.name = name
        self.flopPerFrame = flopPerFrame
        msPerFrame = (median * 1000 / Double(batch) * 1000).rounded() / 1000
        gflops = (flopPerFrame * Double(batch) / median / 1e9 * 10).rounded() / 10
        runsMsPerFrame = batchSeconds.map { ($0 * 1000 / Double(batch) * 1000).rounded() / 1000 }
        self.batch = batch
        self.width = width
        self.height = height
        self.threads = threads
        self.engine = engine.rawValue
        self.precision = precision.rawValue
    }

    /// The result as one line of JSON, keys in a fixed order.
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else {
            preconditionFailure("a BenchResult always encodes")
        }
        return text
    }
}
