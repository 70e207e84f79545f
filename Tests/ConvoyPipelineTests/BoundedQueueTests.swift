import ConvoyPipeline
import Foundation
import XCTest

final class BoundedQueueTests: XCTestCase {
    func testKeepsOrderAndDrainsAfterClose() {
        let queue = BoundedQueue<Int>(depth: 3)
        XCTAssertTrue(queue.push(1))
        XCTAssertTrue(queue.push(2))
        queue.close()
        XCTAssertFalse(queue.push(3), "a closed queue refuses new items")
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertEqual(queue.pop(), 2)
        XCTAssertNil(queue.pop())
    }

    func testProducerWaitsWhileFull() {
        let queue = BoundedQueue<Int>(depth: 2)
        let pushed = ManagedCounter()
        let done = DispatchSemaphore(value: 0)
        Thread {
            for value in 0..<10 {
                queue.push(value)
                pushed.increment()
            }
            queue.close()
            done.signal()
        }.start()
        // Give the producer time to run ahead as far as it can: it must stop at the depth.
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(pushed.value, 2)
        XCTAssertEqual(queue.count, 2)
        var received: [Int] = []
        while let value = queue.pop() {
            XCTAssertLessThanOrEqual(queue.count, 2)
            received.append(value)
        }
        done.wait()
        XCTAssertEqual(received, Array(0..<10))
    }

    func testCancelDropsQueuedItemsAndWakesProducer() {
        let queue = BoundedQueue<Int>(depth: 1)
        queue.push(1)
        let result = ManagedCounter()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if !queue.push(2) { result.increment() }
            done.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.05)
        queue.cancel()
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(result.value, 1, "the blocked push returns false after cancel")
        XCTAssertNil(queue.pop(), "cancel drops what was queued")
    }
}

/// A thread-safe counter for the tests above.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}

/// A popped item is not kept alive by the queue, even while the queue never runs empty.
final class BoundedQueueOwnershipTests: XCTestCase {
    final class Item {
        let onDeinit: () -> Void
        init(onDeinit: @escaping () -> Void) { self.onDeinit = onDeinit }
        deinit { onDeinit() }
    }

    func testPoppedItemsAreReleasedWhileTheQueueStaysBusy() {
        let queue = BoundedQueue<Item>(depth: 3)
        let released = ManagedCounter()
        queue.push(Item { released.increment() })
        for _ in 0..<50 {
            queue.push(Item { released.increment() })
            _ = queue.pop()
        }
        // 50 items were handed on and dropped by the caller; the queue still holds one.
        XCTAssertEqual(released.value, 50)
        XCTAssertEqual(queue.count, 1)
    }
}
