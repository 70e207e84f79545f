import ConvoyTensor
import Foundation
import XCTest

final class CPUFeaturesTests: XCTestCase {
    /// CPUID and XGETBV as read by the shim agree with the kernel's own view: the flags line of
    /// /proc/cpuinfo (Linux clears AVX and AVX-512 flags there when it does not save their state).
    func testFeaturesAgreeWithProcCpuinfo() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            throw XCTSkip("no /proc/cpuinfo on this system")
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("/proc/cpuinfo has no flags line (not x86)")
        }
        let flags = Set(line.split(separator: ":", maxSplits: 1)[1].split(separator: " ").map(String.init))
        let features = CPUFeatures.current
        XCTAssertEqual(features.avx2, flags.contains("avx2"))
        XCTAssertEqual(features.fma, flags.contains("fma"))
        XCTAssertEqual(features.avx512f, flags.contains("avx512f"))
        XCTAssertEqual(features.avx512bf16, flags.contains("avx512_bf16"))
        XCTAssertEqual(features.amxBF16, flags.contains("amx_bf16"))
    }

    /// Every kernel this processor runs ends each chain exactly where a scalar fused multiply-add
    /// loop in Swift does (one rounding per step, so bit for bit).
    func testFMAChainsMatchScalarReference() {
        let multiplier: Float = 0.999_9, addend: Float = 0.000_37
        let iterations = 1_000
        for kernel in FMAChains.allCases where kernel.runs() {
            let start = (0..<kernel.valueCount).map { Float(1) + Float($0) / 64 }
            let result = kernel.run(iterations: iterations, multiplier: multiplier, addend: addend, values: start)
            let expected = start.map { value -> Float in
                var value = value
                for _ in 0..<iterations { value = addend.addingProduct(value, multiplier) }
                return value
            }
            XCTAssertEqual(result, expected, "\(kernel.rawValue)")
            XCTAssertNotEqual(result, start, "\(kernel.rawValue)")
            XCTAssertEqual(kernel.flops(iterations: iterations), 2 * Double(kernel.valueCount * iterations))
        }
        XCTAssertEqual(FMAChains.widest(), CPUFeatures.current.avx512f ? .avx512 : (CPUFeatures.current.avx2 && CPUFeatures.current.fma ? .avx2 : .scalar))
    }

    /// `--precision` resolved for a CPU with and without AVX512_BF16 (never this machine's alone).
    func testPrecisionResolvesFromTheCPUsFeatures() throws {
        let with = CPUFeatures(avx2: true, fma: true, avx512f: true, avx512bf16: true, amxBF16: false)
        let without = CPUFeatures(avx2: true, fma: true, avx512f: true, avx512bf16: false, amxBF16: false)
        XCTAssertEqual(try NetworkPrecision.bf16.resolved(on: with).precision, .bf16)
        XCTAssertNil(try NetworkPrecision.bf16.resolved(on: with).notice)
        XCTAssertEqual(try NetworkPrecision.bf16Only.resolved(on: with).precision, .bf16)
        let fallback = try NetworkPrecision.bf16.resolved(on: without)
        XCTAssertEqual(fallback.precision, .fp32)
        XCTAssertEqual(fallback.notice, "This CPU has no AVX512_BF16 instructions: running --precision bf16 in FP32.")
        XCTAssertThrowsError(try NetworkPrecision.bf16Only.resolved(on: without)) { error in
            XCTAssertEqual(error as? NetworkPrecisionError, .bf16Unavailable)
        }
        XCTAssertEqual(try NetworkPrecision.fp32.resolved(on: without).precision, .fp32)
    }
}
