#ifndef CONVOY_CFFMPEG_SHIM_H
#define CONVOY_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/opt.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/hash.h>
#include <libswscale/swscale.h>
#include <errno.h>

// Swift cannot import FFmpeg's function-like macros; these wrappers stand in for them.

static inline int convoy_averror(int e) { return AVERROR(e); }
static inline int convoy_averror_eof(void) { return AVERROR_EOF; }
static inline int convoy_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int convoy_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t convoy_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational convoy_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int convoy_error_buffer_size(void) { return AV_ERROR_MAX_STRING_SIZE; }
static inline int convoy_sws_flag_bicubic(void) { return SWS_BICUBIC; }
static inline int convoy_sws_flag_accurate(void) { return SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP; }

/// Colour-matrix coefficient table for an AVColorSpace, as sws_setColorspaceDetails wants it.
static inline const int *convoy_sws_coefficients(int colorspace) { return sws_getCoefficients(colorspace); }

#endif
