/// Counters the stages keep while a run goes on; each is written by one stage only.
package final class StageCounters {
    package var framesDecoded = 0
    package var framesProcessed = 0
    package var framesWritten = 0
    package var decodeErrors = 0
    package var packetsCopied = 0
    package var framesDamaged = 0
    package var truncated = false
    /// For raw input whose last frame was cut off: the bytes it had and the bytes a frame needs.
    package var shortRawFrame: (got: Int, needed: Int)?

    package func summary(seconds: Double) -> RunSummary {
        RunSummary(framesDecoded: framesDecoded, framesProcessed: framesProcessed, framesWritten: framesWritten,
                   decodeErrors: decodeErrors, framesDamaged: framesDamaged, packetsCopied: packetsCopied, inputEndedEarly: truncated,
                   interrupted: Interruption.receivedSignal != nil, seconds: seconds)
    }
}
