import Foundation

/// Writes progress to standard error in the chosen format, at most once a second (a terminal line
/// four times a second). Never writes to standard output.
public final class ProgressReporter {
    private let mode: ProgressMode
    private let duration: Double?
    private let start = DispatchTime.now()
    private var lastReport: Double = -1
    private let interval: Double
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// `duration` (seconds) enables an ETA. `auto` becomes a terminal line only when stderr is a tty.
    public init(mode: ProgressMode, duration: Double?) {
        if mode == .auto {
            self.mode = isatty(STDERR_FILENO) != 0 ? .auto : .none
        } else {
            self.mode = mode
        }
        self.duration = duration
        interval = self.mode == .auto ? 0.25 : 1.0
    }

    /// Seconds since the reporter was made.
    public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    /// Notes that `frames` frames have been written, the last at `time` seconds.
    public func update(frames: Int, time: Double) {
        guard mode != .none else { return }
        let now = elapsed
        guard now - lastReport >= interval else { return }
        lastReport = now
        emit(snapshot(frames: frames, time: time, now: now, end: false))
    }

    /// The last report.
    public func finish(frames: Int, time: Double) {
        guard mode != .none else { return }
        emit(snapshot(frames: frames, time: time, now: elapsed, end: true))
    }

    func snapshot(frames: Int, time: Double, now: Double, end: Bool) -> ProgressSnapshot {
        let fps = now > 0 ? Double(frames) / now : 0
        var eta: Double? = nil
        if let duration, duration > 0, time > 0, !end {
            eta = max(0, now * (duration - time) / time)
        } else if end {
            eta = 0
        }
        return ProgressSnapshot(frames: frames, fps: (fps * 100).rounded() / 100, outTime: (time * 1000).rounded() / 1000,
                                elapsed: (now * 1000).rounded() / 1000, eta: eta.map { ($0 * 10).rounded() / 10 },
                                progress: end ? "end" : "continue")
    }

    private func emit(_ snapshot: ProgressSnapshot) {
        let text: String
        switch mode {
        case .json:
            let data = (try? encoder.encode(snapshot)) ?? Data()
            text = String(decoding: data, as: UTF8.self) + "\n"
        case .ffmpeg:
            let microseconds = Int64(snapshot.outTime * 1_000_000)
            text = """
            frame=\(snapshot.frames)
            fps=\(String(format: "%.2f", snapshot.fps))
            out_time_us=\(microseconds)
            out_time_ms=\(microseconds)
            out_time=\(ProgressReporter.clock(snapshot.outTime, fraction: 6))
            dup_frames=0
            drop_frames=0
            speed=\(snapshot.elapsed > 0 ? String(format: "%.3gx", snapshot.outTime / snapshot.elapsed) : "N/A")
            progress=\(snapshot.progress)

            """
        case .auto:
            let eta = snapshot.eta.map { " eta=\(ProgressReporter.clock($0, fraction: 0))" } ?? ""
            let line = "frame=\(snapshot.frames) fps=\(String(format: "%.1f", snapshot.fps)) time=\(ProgressReporter.clock(snapshot.outTime, fraction: 2)) elapsed=\(ProgressReporter.clock(snapshot.elapsed, fraction: 0))\(eta)"
            text = "\r\(line)\u{1B}[K" + (snapshot.progress == "end" ? "\n" : "")
        case .none:
            return
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `HH:MM:SS` with `fraction` decimals of seconds.
    package static func clock(_ seconds: Double, fraction: Int) -> String {
        let whole = max(0, seconds)
        let hours = Int(whole / 3600)
        let minutes = Int(whole.truncatingRemainder(dividingBy: 3600) / 60)
        let rest = whole.truncatingRemainder(dividingBy: 60)
        let secondsText = fraction == 0 ? String(format: "%02d", Int(rest)) : String(format: "%0\(fraction + 3).\(fraction)f", rest)
        return String(format: "%02d:%02d:", hours, minutes) + secondsText
    }
}
