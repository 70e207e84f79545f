import Foundation

/// The first error any pipeline stage hit; recording it stops every stage.
// @unchecked Sendable: `stored` is guarded by `lock`; `onFailure` is immutable after init.
package final class StageFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    private let onFailure: @Sendable () -> Void

    /// `onFailure` runs once, on the first error (it cancels the queues so every stage ends).
    init(onFailure: @escaping @Sendable () -> Void) {
        self.onFailure = onFailure
    }

    package var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    package func record(_ error: Error) {
        lock.lock()
        let first = stored == nil
        if first { stored = error }
        lock.unlock()
        if first { onFailure() }
    }

    /// Runs `body`, recording what it throws.
    package func run(_ body: () throws -> Void) {
        do { try body() } catch { record(error) }
    }
}
