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

    package var framesDecoded: Int {
        get { lock.withLock { values.framesDecoded } }
        set { lock.withLock { values.framesDecoded = newValue } }
    }
    package var framesProcessed: Int {
        get { lock.withLock { values.framesProcessed } }
        set { lock.withLock { values.framesProcessed = newValue } }
    }
    package var framesWritten: Int {
        get { lock.withLock { values.framesWritten } }
        set { lock.withLock { values.framesWritten = newValue } }
    }
    package var decodeErrors: Int {
        get { lock.withLock { values.decodeErrors } }
        set { lock.withLock { values.decodeErrors = newValue } }
    }
    package var packetsCopied: Int {
        get { lock.withLock { values.packetsCopied } }
        set { lock.withLock { values.packetsCopied = newValue } }
    }
    package var framesDamaged: Int {
        get { lock.withLock { values.framesDamaged } }
        set { lock.withLock { values.framesDamaged = newValue } }
    }
    /// The input ended early: a read error, or raw input cut off inside a frame.
    package var truncated: Bool {
        get { lock.withLock { values.truncated } }
        set { lock.withLock { values.truncated = newValue } }
    }

    package func summary(seconds: Double) -> RunSummary {
        let values = lock.withLock { self.values }
        return RunSummary(framesDecoded: values.framesDecoded, framesProcessed: values.framesProcessed,
                          framesWritten: values.framesWritten, decodeErrors: values.decodeErrors,
                          framesDamaged: values.framesDamaged, packetsCopied: values.packetsCopied,
                          inputEndedEarly: values.truncated, interrupted: Interruption.receivedSignal != nil, seconds: seconds)
    }
}
