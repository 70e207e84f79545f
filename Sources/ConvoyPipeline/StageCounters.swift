import Foundation

/// Counters the stages keep while a run goes on; each is written by one stage only and read by
/// the others (progress, the summary), so every read and write takes the lock.
// @unchecked Sendable: `values` is guarded by `lock`.
package final class StageCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var values = Values()

    private struct Values {
        var framesDecoded = 0
        var framesProcessed = 0
        var framesWritten = 0
        var decodeErrors = 0
        var packetsCopied = 0
        var framesDamaged = 0
        var truncated = false
    }

    package init() {}

    private func read<Value>(_ key: KeyPath<Values, Value>) -> Value { lock.withLock { values[keyPath: key] } }
    private func write<Value>(_ key: WritableKeyPath<Values, Value>, _ value: Value) {
        lock.withLock { values[keyPath: key] = value }
    }

    package var framesDecoded: Int { get { read(\.framesDecoded) } set { write(\.framesDecoded, newValue) } }
    package var framesProcessed: Int { get { read(\.framesProcessed) } set { write(\.framesProcessed, newValue) } }
    package var framesWritten: Int { get { read(\.framesWritten) } set { write(\.framesWritten, newValue) } }
    package var decodeErrors: Int { get { read(\.decodeErrors) } set { write(\.decodeErrors, newValue) } }
    package var packetsCopied: Int { get { read(\.packetsCopied) } set { write(\.packetsCopied, newValue) } }
    package var framesDamaged: Int { get { read(\.framesDamaged) } set { write(\.framesDamaged, newValue) } }
    /// The input ended early: a read error, or raw input cut off inside a frame.
    package var truncated: Bool { get { read(\.truncated) } set { write(\.truncated, newValue) } }

    package func summary(seconds: Double) -> RunSummary {
        let values = lock.withLock { self.values }
        return RunSummary(framesDecoded: values.framesDecoded, framesProcessed: values.framesProcessed,
                          framesWritten: values.framesWritten, decodeErrors: values.decodeErrors,
                          framesDamaged: values.framesDamaged, packetsCopied: values.packetsCopied,
                          inputEndedEarly: values.truncated, interrupted: Interruption.receivedSignal != nil, seconds: seconds)
    }
}
