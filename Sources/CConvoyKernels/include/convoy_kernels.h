#ifndef CONVOY_KERNELS_H
#define CONVOY_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "convoy_isa.h"

// Convoy's own SIMD loops, each compiled three times (baseline x86-64, AVX2, AVX-512) with
// per-function target attributes and chosen at every call from convoy_isa(). Every variant does
// the same operations in the same order (no fused multiply-adds), so the three give the same bits.

// ---- Colour conversion between 8-bit 4:2:0 YUV and 8-bit planar RGB, same size ----

// RGB levels from YUV levels: R = s·(Y − y0) + v_to_r·(V − 128), G = s·(Y − y0) − u_to_g·(U − 128)
// − v_to_g·(V − 128), B = s·(Y − y0) + u_to_b·(U − 128), rounded to the nearest level (ties to
// even) and clamped to 0…255.
typedef struct {
    float luma_offset, luma_scale;
    float v_to_r, u_to_g, v_to_g, u_to_b;
} convoy_yuv_to_rgb_matrix;

// YUV levels from RGB levels: Y = y_offset + y_r·R + y_g·G + y_b·B, U = 128 + u_r·R + u_g·G + u_b·B,
// V = 128 + v_r·R + v_g·G + v_b·B, before the chroma is filtered down to half size.
typedef struct {
    float y_offset, y_r, y_g, y_b;
    float u_r, u_g, u_b;
    float v_r, v_g, v_b;
} convoy_rgb_to_yuv_matrix;

// Floats of scratch memory the two conversions need for frames `width` samples wide.
size_t convoy_yuv420_rgb_scratch(int width);

// 4:2:0 (chroma planes ceil-free: width/2 × height/2, centred between the luma samples, as
// swscale places it by default) to planar RGB, chroma upsampled by swscale's default bicubic
// (Keys, a = −0.6) with edge samples repeated. `width` and `height` are even and at least 2.
void convoy_yuv420_to_rgb(const convoy_yuv_to_rgb_matrix *matrix, int width, int height,
                          const uint8_t *y, ptrdiff_t y_stride, const uint8_t *u, ptrdiff_t u_stride,
                          const uint8_t *v, ptrdiff_t v_stride,
                          uint8_t *r, ptrdiff_t r_stride, uint8_t *g, ptrdiff_t g_stride,
                          uint8_t *b, ptrdiff_t b_stride, float *scratch);

// Planar RGB to 4:2:0: luma per sample, chroma per sample then filtered to half size across and
// down by the same bicubic stretched twice (8 taps), edge samples repeated.
void convoy_rgb_to_yuv420(const convoy_rgb_to_yuv_matrix *matrix, int width, int height,
                          const uint8_t *r, ptrdiff_t r_stride, const uint8_t *g, ptrdiff_t g_stride,
                          const uint8_t *b, ptrdiff_t b_stride,
                          uint8_t *y, ptrdiff_t y_stride, uint8_t *u, ptrdiff_t u_stride,
                          uint8_t *v, ptrdiff_t v_stride, float *scratch);

// ---- The direct filter's whole-number rows (ConvoyFilters, PlaneStreamFilter.IntegerStage) ----
// Sums are 16-bit and wrap as Swift's &+ and &* do (the caller has checked they cannot overflow).

// destination[x] = source[x] for `count` samples of 8 or 16 bits.
void convoy_widen_u8(const uint8_t *source, int16_t *destination, ptrdiff_t count);
void convoy_widen_u16(const uint16_t *source, int16_t *destination, ptrdiff_t count);

// destination[x] = t0·row[x] + t1·row[x + 1] + t2·row[x + 2].
void convoy_across3(const int16_t *row, int16_t t0, int16_t t1, int16_t t2, int16_t *destination, ptrdiff_t count);

// The level of (d0·r0[x] + d1·r1[x] + d2·r2[x]) / 2^shift, rounded to the nearest (ties to even)
// and clamped to 0…top.
void convoy_down3_shift_u8(const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                           int shift, int16_t top, uint8_t *destination, ptrdiff_t count);
void convoy_down3_shift_u16(const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                            int shift, int16_t top, uint16_t *destination, ptrdiff_t count);

// A gradient pair's level: gx = a·(x0, x1, x2)[x], gy = b·(y0, y1, y2)[x] (three taps each); with
// `same_unit`, √(gx² + gy²)·unit_x + offset clamped above at top (offset ≥ 0), else
// √((unit_x·gx)² + (unit_y·gy)²) + offset clamped to 0…top; rounded to the nearest level, ties
// to even.
typedef struct {
    const int16_t *x0, *x1, *x2, *y0, *y1, *y2;
    int16_t a0, a1, a2, b0, b1, b2;
    float unit_x, unit_y, offset, top;
    int same_unit;
} convoy_magnitude_rows;
void convoy_magnitude_u8(const convoy_magnitude_rows *rows, uint8_t *destination, ptrdiff_t count);
void convoy_magnitude_u16(const convoy_magnitude_rows *rows, uint16_t *destination, ptrdiff_t count);

// ---- The direct filter's Float32 rows (ConvoyFilters, PlaneStreamFilter.Stage) ----
// Each computes what the Stage's Swift loop computes, in its order: the written-out 3-tap sums
// for whole steps of 16 columns, the general sums for the rest.

// destination[x] = Σ taps[c] · row[x + c], c < count (the pass across).
void convoy_correlate_across(const float *taps, int count, const float *row, float *destination, ptrdiff_t width);

// destination[x] = bias + Σ taps[r] · rows[r][x], r < count (the pass down).
void convoy_correlate_down(const float *taps, int count, const float *const *rows, float bias, float *destination,
                           ptrdiff_t width);

// destination[x] = bias + Σ taps[r · columns + c] · rows[r][x + c] (a 2-D kernel).
void convoy_correlate(const float *taps, int rows_count, int columns, const float *const *rows, float bias,
                      float *destination, ptrdiff_t width);

// gx[x] = √(gx[x]² + gy[x]²) + bias.
void convoy_gradient_magnitude(float *gx, const float *gy, float bias, ptrdiff_t width);

// ---- Tensor rows (ConvoyTensor: SampleLevels, MaxPool2x2) ----

// destination[x] = (float)source[x] · scale.
void convoy_levels_load_u8(const uint8_t *source, float *destination, ptrdiff_t count, float scale);
void convoy_levels_load_u16(const uint16_t *source, float *destination, ptrdiff_t count, float scale);

// destination[x] = the level nearest source[x] · top (ties to even), clamped to 0…top (NaN to 0)
// when `clamp`, else for values known to round into 0…top. top < 2^22.
void convoy_levels_store_u8(const float *source, uint8_t *destination, ptrdiff_t count, float top, int clamp);
void convoy_levels_store_u16(const float *source, uint16_t *destination, ptrdiff_t count, float top, int clamp);

// The 2×2, stride-2 max pool of MaxPool2x2's vector loop for the first `chunks` × 16 outputs of
// each of `output_height` rows: the larger of each pair (b > a ? b : a), then NaN (0x7FC00000)
// where any of the four is NaN.
void convoy_max_pool_2x2(const float *source, ptrdiff_t input_width, float *destination, ptrdiff_t output_width,
                         ptrdiff_t output_height, ptrdiff_t chunks);

#endif
