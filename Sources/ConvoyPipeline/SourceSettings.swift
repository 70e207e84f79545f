import Foundation

/// What a runner sets on a `FrameSource` before its frames flow: the size pictures are scaled to
/// and the pool their images come from. The decode stage reads them while other stages may ask
/// the source its size, so they sit behind a lock.
// @unchecked Sendable: `pool` and `scaledSize` are guarded by `lock`.
package final class SourceSettings: @unchecked Sendable {
    private let lock = NSLock()
    private var storedPool: ImagePool?
    private var storedSize: (width: Int, height: Int)?

    package init() {}

    /// Where pictures' images come from when the consumer hands them back; nil allocates each.
    package var pool: ImagePool? {
        get { lock.withLock { storedPool } }
        set { lock.withLock { storedPool = newValue } }
    }

    /// A size every picture is scaled to before it is queued, or nil to give them as they come.
    package var scaledSize: (width: Int, height: Int)? {
        get { lock.withLock { storedSize } }
        set { lock.withLock { storedSize = newValue } }
    }
}
