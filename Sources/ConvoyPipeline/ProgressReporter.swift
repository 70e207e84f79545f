import Foundation

/// Writes progress to standard error in the chosen format, at most once a second (a terminal line
/// four times a second), for every job: frames written (`update`, `finish`) or any other
/// `ProgressReport` (`isDue`, `emit`), such as a training run's steps. Never writes to standard
/// output. Any stage may report.
// @unchecked Sendable: `lastReport` and `encoder` are guarded by `lock`; the rest is immutable after init.
public final class ProgressReporter: @unchecked Sendable {
    private let mode: ProgressMode
    private let duration: Double?
    private let start = DispatchTime.now()
    private let lock = NSLock()
    private var lastReport: Double = -1
    private let interval: Double
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// `duration` (seconds) enables an ETA for frames. `auto` becomes a terminal line only when
    /// stderr is a tty.
    public init(mode: ProgressMode, duration: Double? = nil) {
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

    /// True when a report is due: the mode writes reports and the interval has passed since the
    /// last one (callers then build their report and `emit` it).
    public var isDue: Bool { mode != .none && elapsed - lock.withLock { lastReport } >= interval }

    /// Notes that `frames` frames have been written, the last at `time` seconds.
    public func update(frames: Int, time: Double) {
        guard isDue else { return }
        emit(snapshot(frames: frames, time: time, now: elapsed, end: false))
    }

    /// The last report.
    public func finish(frames: Int, time: Double) {
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

    /// Writes `report` in the reporter's mode (nothing for `none`) and starts the next interval.
    public func emit(_ report: some ProgressReport) {
        guard mode != .none else { return }
        lock.lock()
        defer { lock.unlock() }
        lastReport = elapsed
        let text: String
        switch mode {
        case .json:
            text = String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
        case .ffmpeg:
            text = report.keyValueLines.joined(separator: "\n") + "\n"
        case .auto:
            text = "\r" + report.statusLine + "\u{1B}[K" + (report.isLast ? "\n" : "")
        case .none:
            return
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `HH:MM:SS` with `fraction` decimals of seconds.
    public static func clock(_ seconds: Double, fraction: Int) -> String {
        let whole = max(0, seconds)
        let hours = Int(whole / 3600)
        let minutes = Int(whole.truncatingRemainder(dividingBy: 3600) / 60)
        let rest = whole.truncatingRemainder(dividingBy: 60)
        let secondsText = fraction == 0 ? String(format: "%02d", Int(rest)) : String(format: "%0\(fraction + 3).\(fraction)f", rest)
        return String(format: "%02d:%02d:", hours, minutes) + secondsText
    }
}
