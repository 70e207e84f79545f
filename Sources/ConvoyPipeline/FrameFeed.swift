import ConvoyMedia
import Foundation

/// The one way a job's frames start flowing: the source runs on a thread of its own, pushing its
/// pictures into a bounded queue (and waiting while it is full). The first error any stage records
/// in `failure` cancels that queue and every queue in `downstream`, so all stages end; `finish()`
/// waits for them and gives that error, or says that the source gave no frame at all.
package final class FrameFeed: Sendable {
    package let source: FrameSource
    /// The pictures, in order; closed at the end of the input.
    package let queue: BoundedQueue<PlanarImage>
    package let failure: StageFailure
    package let counts: StageCounters
    private let stages = DispatchGroup()

    /// Starts `source` into a queue of `depth` pictures, keeping every `every`-th; packets of other
    /// streams go to `copyPacket`.
    package init(source: FrameSource, depth: Int, every: Int = 1, counts: StageCounters = StageCounters(),
         downstream: [BoundedQueue<PlanarImage>] = [], copyPacket: (@Sendable (Packet) throws -> Void)? = nil) {
        let queue = BoundedQueue<PlanarImage>(depth: depth)
        let failure = StageFailure {
            queue.cancel()
            for other in downstream { other.cancel() }
        }
        self.source = source
        self.queue = queue
        self.failure = failure
        self.counts = counts
        Stage.start("convoy.decode", group: stages) {
            failure.run { try source.run(into: queue, every: every, counts: counts, copyPacket: copyPacket) }
        }
    }

    /// Runs `body` as another stage, on a thread named `name`; what it throws is recorded.
    package func start(_ name: String, _ body: @escaping @Sendable () throws -> Void) {
        let failure = self.failure
        Stage.start(name, group: stages) { failure.run(body) }
    }

    /// Waits for every stage, then returns the first error, or one naming the input when it gave
    /// no frame at all; nil when the run went well.
    package func finish() -> Error? {
        stages.wait()
        if failure.error == nil, counts.framesDecoded == 0 {
            failure.record(ConvoyError("\(source.name): no video frame could be decoded.", exitCode: ConvoyError.dataError))
        }
        return failure.error
    }

    /// Stops the source and waits for its thread (for readers dropped before the end).
    package func stop() {
        queue.cancel()
        stages.wait()
    }
}
