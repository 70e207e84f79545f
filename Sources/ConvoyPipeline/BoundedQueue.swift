import Foundation

/// A first-in first-out queue of fixed depth between two pipeline stages.
///
/// `push` blocks while the queue is full, so a fast producer waits for a slow consumer and memory
/// stays bounded; `pop` blocks while it is empty. `close()` ends the stream: pushes are refused and
/// pops drain what is left, then return nil. `cancel()` also drops what is queued, for errors.
public final class BoundedQueue<Element> {
    public let depth: Int
    /// A ring of `depth` slots; a popped slot is emptied at once, so the queue never keeps an
    /// item alive after handing it on.
    private var slots: [Element?]
    private var head = 0
    private var stored = 0
    private var closed = false
    private let condition = NSCondition()

    public init(depth: Int) {
        precondition(depth > 0, "queue depth must be positive")
        self.depth = depth
        slots = Array(repeating: nil, count: depth)
    }

    /// Appends `item`, waiting while the queue is full. Returns false when the queue was closed.
    @discardableResult
    public func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && stored >= depth { condition.wait() }
        if closed { return false }
        slots[(head + stored) % depth] = item
        stored += 1
        condition.broadcast()
        return true
    }

    /// Takes the oldest item, waiting while the queue is empty; nil once it is closed and empty.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && stored == 0 { condition.wait() }
        if stored == 0 { return nil }
        let item = slots[head]
        slots[head] = nil
        head = (head + 1) % depth
        stored -= 1
        condition.broadcast()
        return item
    }

    /// Marks the end of the stream; queued items can still be popped.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the stream and drops everything queued.
    public func cancel() {
        condition.lock()
        closed = true
        slots = Array(repeating: nil, count: depth)
        head = 0
        stored = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Items currently waiting.
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return stored
    }
}

// @unchecked Sendable: `slots`, `head`, `stored` and `closed` are guarded by `condition`; `depth` is immutable after init.
extension BoundedQueue: @unchecked Sendable where Element: Sendable {}
