import Foundation

/// A `VideoWriter` that two stages share: the encode stage writes pictures, the decode stage
/// copies the input's other streams' packets. One lock serialises every use, so the encoder, the
/// packet durations and the muxer are only ever touched by one thread at a time.
///
/// Read what the set-up decides (format, codec, left-out streams) from the `VideoWriter` before
/// handing it over; once given here it is reached only through this lock.
// @unchecked Sendable: `writer` is guarded by `lock` (every method holds it).
public final class SharedVideoWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let writer: VideoWriter

    /// Takes `writer` over: the caller uses it only through this from now on.
    public init(_ writer: VideoWriter) {
        self.writer = writer
    }

    /// Encodes `picture` (see `VideoWriter.write`).
    public func write(_ picture: PlanarImage) throws {
        try lock.withLock { try writer.write(picture) }
    }

    /// Writes `packet` when the output carries a copy of its stream; returns whether it did.
    @discardableResult
    public func copy(_ packet: Packet) throws -> Bool {
        try lock.withLock { try writer.copy(packet) }
    }

    /// Drains the encoder (see `VideoWriter.flush`).
    public func flush() throws {
        try lock.withLock { try writer.flush() }
    }

    /// Drains, writes the trailer and renames the file onto the target (see `VideoWriter.finish`).
    public func finish() throws {
        try lock.withLock { try writer.finish() }
    }

    /// Closes without finishing: the target is untouched.
    public func discard() {
        lock.withLock { writer.discard() }
    }
}
