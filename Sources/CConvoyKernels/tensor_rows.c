#include "convoy_kernels.h"

#include <string.h>

#include "variants.h"

// Each body does what the Swift loop it stands in for does (ConvoyTensor's SampleLevels and
// MaxPool2x2), operation for operation, so every variant gives the Swift loop's bits.

#define LOAD_BODY(name, type)                                                                      \
    CONVOY_INLINE void name(const type *source, float *destination, ptrdiff_t count, float scale) { \
        for (ptrdiff_t x = 0; x < count; x++) destination[x] = (float)source[x] * scale;         \
    }
LOAD_BODY(levels_load_u8, uint8_t)
LOAD_BODY(levels_load_u16, uint16_t)

#define STORE_BODY(name, type)                                                                     \
    CONVOY_INLINE void name(const float *source, type *destination, ptrdiff_t count, float top, int clamp) { \
        if (clamp) {                                                                              \
            for (ptrdiff_t x = 0; x < count; x++) {                                               \
                float level = source[x] * top;                                                    \
                destination[x] = (type)convoy_nearest(level > 0 ? (level < top ? level : top) : 0); \
            }                                                                                     \
        } else {                                                                                  \
            for (ptrdiff_t x = 0; x < count; x++) destination[x] = (type)convoy_nearest(source[x] * top); \
        }                                                                                         \
    }
STORE_BODY(levels_store_u8, uint8_t)
STORE_BODY(levels_store_u16, uint16_t)

CONVOY_INLINE float larger(float a, float b) { return b > a ? b : a; }

CONVOY_INLINE void max_pool_2x2(const float *source, ptrdiff_t input_width, float *destination, ptrdiff_t output_width,
                                ptrdiff_t output_height, ptrdiff_t chunks) {
    const uint32_t nan_bits = 0x7FC00000u;
    float nan;
    memcpy(&nan, &nan_bits, sizeof nan);
    for (ptrdiff_t oy = 0; oy < output_height; oy++) {
        const float *top = source + 2 * oy * input_width, *bottom = top + input_width;
        float *out = destination + oy * output_width;
        for (ptrdiff_t ox = 0; ox < 16 * chunks; ox++) {
            float a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1];
            float best = larger(larger(a, b), larger(c, d));
            int any_nan = (a != a) | (b != b) | (c != c) | (d != d);
            out[ox] = any_nan ? nan : best;
        }
    }
}

CONVOY_VARIANTS(levels_load_u8, (const uint8_t *s, float *d, ptrdiff_t n, float scale), (s, d, n, scale))
CONVOY_VARIANTS(levels_load_u16, (const uint16_t *s, float *d, ptrdiff_t n, float scale), (s, d, n, scale))
CONVOY_VARIANTS(levels_store_u8, (const float *s, uint8_t *d, ptrdiff_t n, float top, int clamp), (s, d, n, top, clamp))
CONVOY_VARIANTS(levels_store_u16, (const float *s, uint16_t *d, ptrdiff_t n, float top, int clamp), (s, d, n, top, clamp))
CONVOY_VARIANTS(max_pool_2x2, (const float *s, ptrdiff_t iw, float *d, ptrdiff_t ow, ptrdiff_t oh, ptrdiff_t chunks),
                (s, iw, d, ow, oh, chunks))

void convoy_levels_load_u8(const uint8_t *s, float *d, ptrdiff_t n, float scale) { CONVOY_DISPATCH(levels_load_u8, (s, d, n, scale)); }
void convoy_levels_load_u16(const uint16_t *s, float *d, ptrdiff_t n, float scale) { CONVOY_DISPATCH(levels_load_u16, (s, d, n, scale)); }
void convoy_levels_store_u8(const float *s, uint8_t *d, ptrdiff_t n, float top, int clamp) {
    CONVOY_DISPATCH(levels_store_u8, (s, d, n, top, clamp));
}
void convoy_levels_store_u16(const float *s, uint16_t *d, ptrdiff_t n, float top, int clamp) {
    CONVOY_DISPATCH(levels_store_u16, (s, d, n, top, clamp));
}
void convoy_max_pool_2x2(const float *s, ptrdiff_t iw, float *d, ptrdiff_t ow, ptrdiff_t oh, ptrdiff_t chunks) {
    CONVOY_DISPATCH(max_pool_2x2, (s, iw, d, ow, oh, chunks));
}
