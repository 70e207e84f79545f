import ConvoyTensor
import Foundation
import XCTest

final class KernelLevelTests: XCTestCase {
    /// The widest kernel level agrees with the kernel's view of the processor (/proc/cpuinfo's
    /// flags): AVX-512 needs AVX512F and AVX512BW, AVX2 needs AVX2 and FMA.
    func testSupportedLevelAgreesWithProcCpuinfo() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("no flags line in /proc/cpuinfo (not Linux on x86)")
        }
        let flags = Set(line.split(separator: ":", maxSplits: 1)[1].split(separator: " ").map(String.init))
        let avx2 = flags.contains("avx2") && flags.contains("fma")
        let expected: KernelLevel = avx2 && flags.contains("avx512f") && flags.contains("avx512bw") ? .avx512 : (avx2 ? .avx2 : .baseline)
        XCTAssertEqual(KernelLevel.supported, expected)
    }

    /// `use` switches the level, returns the one before, and never goes above what the processor runs.
    func testUseSwitchesAndCapsTheLevel() {
        let original = KernelLevel.current
        defer { KernelLevel.use(original) }
        XCTAssertEqual(KernelLevel.use(.baseline), original)
        XCTAssertEqual(KernelLevel.current, .baseline)
        KernelLevel.use(.avx512)
        XCTAssertEqual(KernelLevel.current, KernelLevel.supported)
        XCTAssertEqual(KernelLevel.allCases.map(\.name), ["baseline", "avx2", "avx512"])
    }
}
