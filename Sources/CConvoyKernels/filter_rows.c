#include "convoy_kernels.h"

#include <math.h>
#include <string.h>

#include "variants.h"

// Each body matches the Swift loop it stands in for in PlaneStreamFilter.IntegerStage operation
// for operation: 16-bit sums that wrap, Float32 products and sums in the same order, the same
// rounding, so every variant gives the Swift loop's bits.

#define WIDEN_BODY(name, type)                                                                     \
    CONVOY_INLINE void name(const type *source, int16_t *destination, ptrdiff_t count) {          \
        for (ptrdiff_t x = 0; x < count; x++) destination[x] = (int16_t)source[x];               \
    }
WIDEN_BODY(widen_u8, uint8_t)
WIDEN_BODY(widen_u16, uint16_t)

CONVOY_INLINE void across3(const int16_t *row, int16_t t0, int16_t t1, int16_t t2, int16_t *destination, ptrdiff_t count) {
    for (ptrdiff_t x = 0; x < count; x++) {
        destination[x] = (int16_t)(t0 * row[x] + t1 * row[x + 1] + t2 * row[x + 2]);
    }
}

// (sum + belowHalf + ((sum >> bits) & parity)) >> bits in 16 bits, clamped to 0...top.
#define DOWN3_BODY(name, type)                                                                     \
    CONVOY_INLINE void name(const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, \
                            int16_t d2, int shift, int16_t top, type *destination, ptrdiff_t count) { \
        const int16_t bits = (int16_t)shift;                                                      \
        const int16_t below_half = shift == 0 ? 0 : (int16_t)((1 << (shift - 1)) - 1);            \
        const int16_t parity = shift == 0 ? 0 : 1;                                                \
        for (ptrdiff_t x = 0; x < count; x++) {                                                   \
            int16_t sum = (int16_t)(d0 * r0[x] + d1 * r1[x] + d2 * r2[x]);                        \
            int16_t rounded = (int16_t)(sum + below_half + ((sum >> bits) & parity));             \
            int16_t level = (int16_t)(rounded >> bits);                                          \
            level = level > 0 ? level : 0;                                                        \
            destination[x] = (type)(level < top ? level : top);                                   \
        }                                                                                         \
    }
DOWN3_BODY(down3_shift_u8, uint8_t)
DOWN3_BODY(down3_shift_u16, uint16_t)

#define MAGNITUDE_BODY(name, type)                                                                 \
    CONVOY_INLINE void name(const convoy_magnitude_rows *rows, type *destination, ptrdiff_t count) { \
        const int16_t *x0 = rows->x0, *x1 = rows->x1, *x2 = rows->x2;                             \
        const int16_t *y0 = rows->y0, *y1 = rows->y1, *y2 = rows->y2;                             \
        const int16_t a0 = rows->a0, a1 = rows->a1, a2 = rows->a2, b0 = rows->b0, b1 = rows->b1, b2 = rows->b2; \
        const float unit_x = rows->unit_x, unit_y = rows->unit_y, offset = rows->offset, top = rows->top; \
        if (rows->same_unit) {                                                                    \
            for (ptrdiff_t x = 0; x < count; x++) {                                               \
                float gx = (float)(int16_t)(a0 * x0[x] + a1 * x1[x] + a2 * x2[x]);                \
                float gy = (float)(int16_t)(b0 * y0[x] + b1 * y1[x] + b2 * y2[x]);                \
                float level = sqrtf(gx * gx + gy * gy) * unit_x + offset;                         \
                float clamped = level < top ? level : top;                                        \
                destination[x] = (type)convoy_nearest(clamped);                                          \
            }                                                                                     \
            return;                                                                               \
        }                                                                                         \
        for (ptrdiff_t x = 0; x < count; x++) {                                                   \
            float gx = (float)(int16_t)(a0 * x0[x] + a1 * x1[x] + a2 * x2[x]) * unit_x;           \
            float gy = (float)(int16_t)(b0 * y0[x] + b1 * y1[x] + b2 * y2[x]) * unit_y;           \
            float level = sqrtf(gx * gx + gy * gy) + offset;                                      \
            float clamped = level > 0 ? (level < top ? level : top) : 0;                          \
            destination[x] = (type)convoy_nearest(clamped);                                              \
        }                                                                                         \
    }
MAGNITUDE_BODY(magnitude_u8, uint8_t)
MAGNITUDE_BODY(magnitude_u16, uint16_t)

CONVOY_VARIANTS(widen_u8, (const uint8_t *s, int16_t *d, ptrdiff_t n), (s, d, n))
CONVOY_VARIANTS(widen_u16, (const uint16_t *s, int16_t *d, ptrdiff_t n), (s, d, n))
CONVOY_VARIANTS(across3, (const int16_t *r, int16_t t0, int16_t t1, int16_t t2, int16_t *d, ptrdiff_t n), (r, t0, t1, t2, d, n))
CONVOY_VARIANTS(down3_shift_u8, (const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                                 int shift, int16_t top, uint8_t *d, ptrdiff_t n), (r0, r1, r2, d0, d1, d2, shift, top, d, n))
CONVOY_VARIANTS(down3_shift_u16, (const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                                  int shift, int16_t top, uint16_t *d, ptrdiff_t n), (r0, r1, r2, d0, d1, d2, shift, top, d, n))
CONVOY_VARIANTS(magnitude_u8, (const convoy_magnitude_rows *rows, uint8_t *d, ptrdiff_t n), (rows, d, n))
CONVOY_VARIANTS(magnitude_u16, (const convoy_magnitude_rows *rows, uint16_t *d, ptrdiff_t n), (rows, d, n))

void convoy_widen_u8(const uint8_t *s, int16_t *d, ptrdiff_t n) { CONVOY_DISPATCH(widen_u8, (s, d, n)); }
void convoy_widen_u16(const uint16_t *s, int16_t *d, ptrdiff_t n) { CONVOY_DISPATCH(widen_u16, (s, d, n)); }
void convoy_across3(const int16_t *r, int16_t t0, int16_t t1, int16_t t2, int16_t *d, ptrdiff_t n) {
    CONVOY_DISPATCH(across3, (r, t0, t1, t2, d, n));
}
void convoy_down3_shift_u8(const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                           int shift, int16_t top, uint8_t *d, ptrdiff_t n) {
    CONVOY_DISPATCH(down3_shift_u8, (r0, r1, r2, d0, d1, d2, shift, top, d, n));
}
void convoy_down3_shift_u16(const int16_t *r0, const int16_t *r1, const int16_t *r2, int16_t d0, int16_t d1, int16_t d2,
                            int shift, int16_t top, uint16_t *d, ptrdiff_t n) {
    CONVOY_DISPATCH(down3_shift_u16, (r0, r1, r2, d0, d1, d2, shift, top, d, n));
}
void convoy_magnitude_u8(const convoy_magnitude_rows *rows, uint8_t *d, ptrdiff_t n) { CONVOY_DISPATCH(magnitude_u8, (rows, d, n)); }
void convoy_magnitude_u16(const convoy_magnitude_rows *rows, uint16_t *d, ptrdiff_t n) { CONVOY_DISPATCH(magnitude_u16, (rows, d, n)); }
