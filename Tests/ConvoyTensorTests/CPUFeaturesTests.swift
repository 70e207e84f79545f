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
}
