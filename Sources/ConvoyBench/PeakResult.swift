import ConvoyTensor
import Foundation

/// The machine's FP32 FMA peak, measured with `FMAChains` on 1 thread and on `threads` at once,
/// printed as one JSON line.
struct PeakResult: Encodable {
    let name = "fma-peak"
    let kernel: String
    let threads: Int
    /// GFLOP/s of one thread (the best of the repetitions).
    let gflops1: Double
    /// GFLOP/s of `threads` threads running at once (the best of the repetitions).
    let gflops: Double

    enum CodingKeys: String, CodingKey {
        case name, kernel, threads
        case gflops1 = "gflops_1_thread"
        case gflops
    }

    /// Measures `kernel` over `repetitions` runs of a fixed iteration count (with the AVX-512 kernel
    /// about 10 GFLOP per thread, some 45 ms at 230 GFLOP/s; thread start-up is inside the span).
    init(kernel: FMAChains, threads: Int, repetitions: Int) {
        self.kernel = kernel.rawValue
        self.threads = threads
        let iterations = kernel == .scalar ? 2_000_000 : 20_000_000
        gflops1 = PeakResult.best(kernel, iterations: iterations, threads: 1, repetitions: repetitions)
        gflops = PeakResult.best(kernel, iterations: iterations, threads: threads, repetitions: repetitions)
    }

    private static func best(_ kernel: FMAChains, iterations: Int, threads: Int, repetitions: Int) -> Double {
        let start = [Float](repeating: 1, count: kernel.valueCount)
        var best = 0.0
        for _ in 0..<repetitions {
            let group = DispatchGroup()
            let begin = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<threads {
                group.enter()
                let thread = Thread {
                    _ = kernel.run(iterations: iterations, multiplier: 0.999_9, addend: 0.000_1, values: start)
                    group.leave()
                }
                thread.start()
            }
            group.wait()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            best = max(best, kernel.flops(iterations: iterations) * Double(threads) / seconds / 1e9)
        }
        return (best * 10).rounded() / 10
    }

    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else {
            preconditionFailure("a PeakResult always encodes")
        }
        return text
    }
}
