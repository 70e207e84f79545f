import CFFmpeg

/// How much FFmpeg's libraries print on standard error themselves.
public enum FFmpegLog {
    /// FFmpeg's warnings and errors (for `--verbose`).
    public static func warnings() { av_log_set_level(AV_LOG_WARNING) }
    /// Nothing but fatal messages: the default, since Convoy reports every failure itself in one
    /// line and FFmpeg's own lines would repeat it.
    public static func fatalOnly() { av_log_set_level(AV_LOG_FATAL) }
}
