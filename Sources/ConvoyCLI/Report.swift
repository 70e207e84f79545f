import ConvoyPipeline
import Foundation

/// The closing lines of a run, on standard error.
enum Report {
    static func finished(_ summary: RunSummary, output: String, format: SummaryFormat = .text) {
        if format == .json {
            FileHandle.standardError.write(Data((summary.jsonLine + "\n").utf8))
            return
        }
        var line = "\(summary.framesWritten) frames written to \(output == "-" ? "standard output" : output)"
        line += String(format: " in %.2f s (%.1f fps)", summary.seconds, summary.framesPerSecond)
        if summary.framesDamaged > 0 {
            line += "; \(summary.framesDamaged) damaged frames were concealed by the decoder"
        }
        if summary.decodeErrors > 0 {
            line += "; \(summary.decodeErrors) damaged packets were skipped and \(summary.framesDecoded) frames decoded"
        }
        if let signal = Interruption.receivedSignal {
            line += "; stopped early by \(signal == SIGINT ? "Ctrl-C" : "SIGTERM"), so the output holds the frames processed until then"
        }
        if summary.inputEndedEarly {
            line += "; the input ended early, so the output holds only the frames that decoded"
        }
        Log.info(line + ".")
    }
}
