/// Counters the stages keep while a run goes on; each is written by one stage only.
final class StageCounters {
    var framesDecoded = 0
    var framesProcessed = 0
    var framesWritten = 0
    var decodeErrors = 0
    var packetsCopied = 0
    var framesDamaged = 0
    var truncated = false
    /// For raw input whose last frame was cut off: the bytes it had and the bytes a frame needs.
    var shortRawFrame: (got: Int, needed: Int)?

    func summary(seconds: Double) -> RunSummary {
        RunSummary(framesDecoded: framesDecoded, framesProcessed: framesProcessed, framesWritten: framesWritten,
                   decodeErrors: decodeErrors, framesDamaged: framesDamaged, packetsCopied: packetsCopied, inputEndedEarly: truncated,
                   interrupted: Interruption.receivedSignal != nil, seconds: seconds)
    }
}
