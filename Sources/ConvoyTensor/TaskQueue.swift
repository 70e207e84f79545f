import Dispatch
import Foundation

/// Shares tasks `0 ..< count` among worker threads, each worker taking the next task when it is
/// done with its last, so a worker that loses its core to another process does not hold back a
/// fixed share of the work (dealing tasks round-robin in advance did: a convolution ran at the
/// pace of its slowest core).
// @unchecked Sendable: `nextTask` is guarded by `lock`; `count` is immutable after init.
public final class TaskQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextTask = 0
    private let count: Int

    public init(count: Int) {
        self.count = count
    }

    /// The next task not yet taken, or nil when all are.
    public func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextTask < count else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    /// Runs `body(worker, task)` for every task in `0 ..< tasks` on `workers` threads (the
    /// calling thread alone when `workers` ≤ 1); `prepare(worker)` runs once on each thread first.
    public static func run(tasks: Int, workers: Int, prepare: (Int) -> Void = { _ in },
                           _ body: (_ worker: Int, _ task: Int) -> Void) {
        let threads = max(1, min(workers, tasks))
        if threads == 1 {
            prepare(0)
            for task in 0..<tasks { body(0, task) }
            return
        }
        let queue = TaskQueue(count: tasks)
        // nonisolated(unsafe): immutable after init (lets), and concurrentPerform returns only when every worker is done with them.
        nonisolated(unsafe) let prepare = prepare, body = body
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            prepare(worker)
            while let task = queue.take() { body(worker, task) }
        }
    }
}
