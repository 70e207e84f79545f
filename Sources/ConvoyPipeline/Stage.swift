import Foundation

/// Starts pipeline stages on threads of their own.
enum Stage {
    /// Runs `body` on a new thread named `name`, entering `group` until it returns.
    static func start(_ name: String, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }
}
