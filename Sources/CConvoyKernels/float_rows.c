#include "convoy_kernels.h"

#include <math.h>

#include "variants.h"

typedef float float16 __attribute__((vector_size(64)));

// PlaneStreamFilter.Stage's loops, sum for sum: its SIMD16 steps use the written-out 3-tap forms,
// its scalar tail (and kernels of other sizes) the general ones, which add in another order.

CONVOY_INLINE void correlate_across(const float *taps, int count, const float *row, float *destination, ptrdiff_t width) {
    ptrdiff_t x = 0;
    if (count == 3) {
        const float w0 = taps[0], w1 = taps[1], w2 = taps[2];
        const ptrdiff_t steps = width / 16 * 16;
        for (; x < steps; x++) destination[x] = row[x] * w0 + row[x + 1] * w1 + row[x + 2] * w2;
    }
    for (; x < width; x++) {
        float sum = 0;
        for (int c = 0; c < count; c++) sum += row[x + c] * taps[c];
        destination[x] = sum;
    }
}

CONVOY_INLINE void correlate_down(const float *taps, int count, const float *const *rows, float bias, float *destination,
                                  ptrdiff_t width) {
    if (count == 3) {
        const float w0 = taps[0], w1 = taps[1], w2 = taps[2];
        const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
        for (ptrdiff_t x = 0; x < width; x++) destination[x] = bias + r0[x] * w0 + r1[x] * w1 + r2[x] * w2;
        return;
    }
    for (ptrdiff_t x = 0; x < width; x++) {
        float sum = bias;
        for (int r = 0; r < count; r++) sum += rows[r][x] * taps[r];
        destination[x] = sum;
    }
}

CONVOY_INLINE void correlate(const float *taps, int rows_count, int columns, const float *const *rows, float bias,
                             float *destination, ptrdiff_t width) {
    ptrdiff_t x = 0;
    if (columns == 3) {
        // 16 columns at a time in one vector (four SSE registers, two AVX2 ones, one AVX-512 one).
        for (; x + 16 <= width; x += 16) {
            float16 sum = bias - (float16){0};
            for (int r = 0; r < rows_count; r++) {
                const float *row = rows[r] + x, *w = taps + 3 * r;
                float16 a, b, c;
                memcpy(&a, row, sizeof a);
                memcpy(&b, row + 1, sizeof b);
                memcpy(&c, row + 2, sizeof c);
                sum += a * w[0] + b * w[1] + c * w[2];
            }
            memcpy(destination + x, &sum, sizeof sum);
        }
    }
    for (; x < width; x++) {
        float sum = bias;
        for (int r = 0; r < rows_count; r++) {
            for (int c = 0; c < columns; c++) sum += rows[r][x + c] * taps[r * columns + c];
        }
        destination[x] = sum;
    }
}

CONVOY_INLINE void gradient_magnitude(float *gx, const float *gy, float bias, ptrdiff_t width) {
    for (ptrdiff_t x = 0; x < width; x++) gx[x] = sqrtf(gx[x] * gx[x] + gy[x] * gy[x]) + bias;
}

CONVOY_VARIANTS(correlate_across, (const float *t, int n, const float *row, float *d, ptrdiff_t w), (t, n, row, d, w))
CONVOY_VARIANTS(correlate_down, (const float *t, int n, const float *const *rows, float bias, float *d, ptrdiff_t w),
                (t, n, rows, bias, d, w))
CONVOY_VARIANTS(correlate, (const float *t, int rn, int cn, const float *const *rows, float bias, float *d, ptrdiff_t w),
                (t, rn, cn, rows, bias, d, w))
CONVOY_VARIANTS(gradient_magnitude, (float *gx, const float *gy, float bias, ptrdiff_t w), (gx, gy, bias, w))

void convoy_correlate_across(const float *t, int n, const float *row, float *d, ptrdiff_t w) {
    CONVOY_DISPATCH(correlate_across, (t, n, row, d, w));
}
void convoy_correlate_down(const float *t, int n, const float *const *rows, float bias, float *d, ptrdiff_t w) {
    CONVOY_DISPATCH(correlate_down, (t, n, rows, bias, d, w));
}
void convoy_correlate(const float *t, int rn, int cn, const float *const *rows, float bias, float *d, ptrdiff_t w) {
    CONVOY_DISPATCH(correlate, (t, rn, cn, rows, bias, d, w));
}
void convoy_gradient_magnitude(float *gx, const float *gy, float bias, ptrdiff_t w) {
    CONVOY_DISPATCH(gradient_magnitude, (gx, gy, bias, w));
}
