import CFFmpeg

/// How much FFmpeg's libraries print on standard error themselves.
public enum FFmpegLog {
    /// FFmpeg's warnings and errors (for `--verbose`).
    public static func warnings() { av_log_set_level(AV_LOG_WARNING) }
    /// Nothing but FFmpeg's panics (a failed assertion, just before it aborts): the default, since
    /// Convoy reports every failure itself in one line and FFmpeg's own lines would repeat it.
    /// Not `AV_LOG_FATAL`: decoders log ordinary damage at that level (MJPEG's "No JPEG data
    /// found in image" for each damaged packet), which broke the one-line refusal of a damaged
    /// file (hostile media, issue 18).
    public static func panicOnly() { av_log_set_level(AV_LOG_PANIC) }
}
