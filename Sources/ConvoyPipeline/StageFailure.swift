import Foundation

/// The first error any pipeline stage hit; recording it stops every stage.
package final class StageFailure {
    private let lock = NSLock()
    private var stored: Error?
    private let onFailure: () -> Void

    /// `onFailure` runs once, on the first error (it cancels the queues so every stage ends).
    init(onFailure: @escaping () -> Void) {
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
