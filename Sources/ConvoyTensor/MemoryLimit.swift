import Foundation

/// How much memory a run may plan to hold at once: the machine's physical memory, or less when
/// the process's control group limits it (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`),
/// or `CONVOY_MEMORY_LIMIT` (bytes) when set lower, for tests. Sizes read from files (a model's
/// outputs for the frame size, a tensor a header claims) are checked against it before anything
/// of that size is allocated, so a hostile or mistaken file is refused in one line instead of
/// ending the process in the allocator.
public enum MemoryLimit {
    /// The limit in bytes (read once).
    public static let bytes: Int = {
        var limit = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 {
                limit = min(limit, value)
            }
        }
        if let text = ProcessInfo.processInfo.environment["CONVOY_MEMORY_LIMIT"], let value = Int(text), value > 0 {
            limit = min(limit, value)
        }
        return limit
    }()

    /// Where the limit comes from, for messages: "this machine's memory" or the variable.
    public static var source: String {
        if let text = ProcessInfo.processInfo.environment["CONVOY_MEMORY_LIMIT"], let value = Int(text), value == bytes {
            return "the CONVOY_MEMORY_LIMIT of"
        }
        return "the memory this process may use,"
    }

    /// `count` elements of `size` bytes, or nil when that overflows `Int`.
    public static func product(_ count: Int, _ size: Int) -> Int? {
        let (result, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : result
    }

    /// The element count of `dims`, or nil when it overflows `Int`.
    public static func count(_ dims: [Int]) -> Int? {
        dims.reduce(Int?(1)) { total, dimension in total.flatMap { product($0, dimension) } }
    }

    /// The sum of `counts`, or nil when one is nil or the sum overflows.
    public static func sum(_ counts: [Int?]) -> Int? {
        counts.reduce(Int?(0)) { total, count in
            guard let total, let count else { return nil }
            let (result, overflow) = total.addingReportingOverflow(count)
            return overflow ? nil : result
        }
    }

    /// A byte count for people: `123.7 TB`, `512.0 MB`, `900 bytes` (decimal units).
    public static func describe(_ bytes: Int?) -> String {
        guard let bytes else { return "more bytes than can be counted" }
        let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, name) in units where Double(bytes) >= scale {
            return String(format: "%.1f ", Double(bytes) / scale) + "\(name) (\(bytes) bytes)"
        }
        return "\(bytes) bytes"
    }

    /// Nil when `bytes` fit the limit, else the end of a refusal: "need …, more than … has".
    public static func excess(_ bytes: Int?) -> String? {
        if let bytes, bytes <= Self.bytes { return nil }
        return "need \(describe(bytes)), more than \(source) \(describe(Self.bytes))"
    }
}
