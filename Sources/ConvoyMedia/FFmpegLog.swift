import CFFmpeg

/// How much FFmpeg's libraries print on standard error themselves.
public enum FFmpegLog {
    /// Only FFmpeg's errors (the default: encoder banners and statistics are noise here).
    public static func errorsOnly() { av_log_set_level(AV_LOG_ERROR) }
    /// Nothing but fatal messages (for `--quiet`).
    public static func fatalOnly() { av_log_set_level(AV_LOG_FATAL) }
}
