#include "convoy_kernels.h"

#include <string.h>

#include "variants.h"

// swscale's default bicubic (B = 0, C = 0.6: Keys' cubic with a = -0.6) at the distances a 2x
// upsampling with centred chroma samples meets: 0.25, 0.75, 1.25 and 1.75 samples. They sum to 1.
#define W025 0.871875f
#define W075 0.240625f
#define W125 (-0.084375f)
#define W175 (-0.028125f)

enum { RING = 8 };

typedef float float8 __attribute__((vector_size(32)));

size_t convoy_yuv420_rgb_scratch(int width) {
    // Up: 2 planes x RING rows of `width` floats, and a padded chroma row.
    // Down: 2 padded full-size rows, 2 planes x RING rows of width / 2 floats.
    size_t up = 2 * (size_t)RING * width + 3 * ((size_t)width / 2) + 8;
    size_t down = 2 * ((size_t)width + 8) + 2 * (size_t)RING * ((size_t)width / 2 + 1);
    return up > down ? up : down;
}

static inline int clamp_index(int i, int count) { return i < 0 ? 0 : (i >= count ? count - 1 : i); }

// The nearest level to `value` (ties to even), clamped to 0...255.
CONVOY_INLINE uint8_t to_level(float value) {
    return (uint8_t)convoy_nearest(value > 0 ? (value < 255 ? value : 255) : 0);
}

// One chroma row, `count` samples, to `2 * count` samples at the luma positions (`half` holds
// `count` + 4 + 2 * `count` floats: the padded row, then the even and odd outputs).
CONVOY_INLINE void upsample_row(const uint8_t *source, int count, float *half, float *out) {
    float *padded = half, *evens = half + count + 4, *odds = evens + count;
    for (int i = 0; i < count; i++) padded[i + 2] = source[i];
    padded[0] = padded[1] = source[0];
    padded[count + 2] = padded[count + 3] = source[count - 1];
    const float *p = padded + 2;
    // swscale keeps this pass in 15 bits, 7 of them fractional: it clips at 32767 / 128.
    const float top = 32767.0f / 128.0f;
    for (int k = 0; k < count; k++) {
        float even = W175 * p[k - 2] + W075 * p[k - 1] + W025 * p[k] + W125 * p[k + 1];
        float odd = W125 * p[k - 1] + W025 * p[k] + W075 * p[k + 1] + W175 * p[k + 2];
        evens[k] = even < top ? even : top;
        odds[k] = odd < top ? odd : top;
    }
    // swscale drops the tap before the edge for the third sample instead of repeating the edge
    // there (measured: it matches its output where repeating the edge is 3 levels off).
    if (count >= 2) {
        float third = (W075 * p[0] + W025 * p[1] + W125 * p[2]) / (1.0f - W175);
        evens[1] = third < top ? third : top;
    }
    // Interleaved 8 pairs at a time (the compiler left this loop scalar).
    int k = 0;
    for (; k + 8 <= count; k += 8) {
        float8 e, o;
        memcpy(&e, evens + k, sizeof e);
        memcpy(&o, odds + k, sizeof o);
        float8 low = __builtin_shufflevector(e, o, 0, 8, 1, 9, 2, 10, 3, 11);
        float8 high = __builtin_shufflevector(e, o, 4, 12, 5, 13, 6, 14, 7, 15);
        memcpy(out + 2 * k, &low, sizeof low);
        memcpy(out + 2 * k + 8, &high, sizeof high);
    }
    for (; k < count; k++) {
        out[2 * k] = evens[k];
        out[2 * k + 1] = odds[k];
    }
}

// The four upsampled chroma rows output row y reads and their weights.
CONVOY_INLINE void rgb_row(const convoy_yuv_to_rgb_matrix *m, int width, const uint8_t *y,
                           const float *const *us, const float *const *vs, const float *w,
                           uint8_t *r, uint8_t *g, uint8_t *b) {
    const float *u0 = us[0], *u1 = us[1], *u2 = us[2], *u3 = us[3];
    const float *v0 = vs[0], *v1 = vs[1], *v2 = vs[2], *v3 = vs[3];
    const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
    const float y0 = m->luma_offset, s = m->luma_scale;
    const float vr = m->v_to_r, ug = m->u_to_g, vg = m->v_to_g, ub = m->u_to_b;
    for (int x = 0; x < width; x++) {
        float cu = w0 * u0[x] + w1 * u1[x] + w2 * u2[x] + w3 * u3[x] - 128.0f;
        float cv = w0 * v0[x] + w1 * v1[x] + w2 * v2[x] + w3 * v3[x] - 128.0f;
        float l = ((float)y[x] - y0) * s;
        r[x] = to_level(l + vr * cv);
        g[x] = to_level(l - ug * cu - vg * cv);
        b[x] = to_level(l + ub * cu);
    }
}

CONVOY_INLINE void yuv420_to_rgb(const convoy_yuv_to_rgb_matrix *m, int width, int height,
                                 const uint8_t *y, ptrdiff_t ys, const uint8_t *u, ptrdiff_t us,
                                 const uint8_t *v, ptrdiff_t vs, uint8_t *r, ptrdiff_t rs,
                                 uint8_t *g, ptrdiff_t gs, uint8_t *b, ptrdiff_t bs, float *scratch) {
    const int cw = width / 2, ch = height / 2;
    float *ring_u = scratch, *ring_v = scratch + (size_t)RING * width;
    float *padded = scratch + 2 * (size_t)RING * width;
    int ready = 0; // chroma rows 0 ..< ready are upsampled into the rings
    static const float even[4] = {W175, W075, W025, W125}, odd[4] = {W125, W025, W075, W175};
    // Row 2 as swscale filters it (see upsample_row): the tap above the top edge dropped.
    static const float third[4] = {0, W075 / (1.0f - W175), W025 / (1.0f - W175), W125 / (1.0f - W175)};
    for (int row = 0; row < height; row++) {
        const int k = row / 2, first = (row & 1) ? k - 1 : k - 2;
        const int last = clamp_index(first + 3, ch);
        while (ready <= last) {
            upsample_row(u + ready * us, cw, padded, ring_u + (size_t)(ready % RING) * width);
            upsample_row(v + ready * vs, cw, padded, ring_v + (size_t)(ready % RING) * width);
            ready++;
        }
        const float *urows[4], *vrows[4];
        for (int t = 0; t < 4; t++) {
            int source = clamp_index(first + t, ch) % RING;
            urows[t] = ring_u + (size_t)source * width;
            vrows[t] = ring_v + (size_t)source * width;
        }
        rgb_row(m, width, y + row * ys, urows, vrows, row == 2 ? third : ((row & 1) ? odd : even), r + row * rs, g + row * gs, b + row * bs);
    }
}

// swscale's bicubic stretched over 2 samples for the 2:1 reduction, normalised: the samples
// 3.5, 2.5, 1.5 and 0.5 away on either side of the centre.
#define D0 (W175 / 2)
#define D1 (W125 / 2)
#define D2 (W075 / 2)
#define D3 (W025 / 2)

// Luma of one RGB row, and its chroma per sample (without the 128) into the padded rows.
CONVOY_INLINE void luma_row(const convoy_rgb_to_yuv_matrix *m, int width, const uint8_t *r, const uint8_t *g,
                            const uint8_t *b, uint8_t *y, float *fu, float *fv) {
    const float yo = m->y_offset, yr = m->y_r, yg = m->y_g, yb = m->y_b;
    const float ur = m->u_r, ug = m->u_g, ub = m->u_b, vr = m->v_r, vg = m->v_g, vb = m->v_b;
    for (int x = 0; x < width; x++) {
        float R = r[x], G = g[x], B = b[x];
        y[x] = to_level(yo + yr * R + yg * G + yb * B);
        fu[x] = ur * R + ug * G + ub * B;
        fv[x] = vr * R + vg * G + vb * B;
    }
}

// out[j] = the mean of samples 2j and 2j + 1, as swscale reduces RGB's chroma across before
// its (then 1:1) horizontal filter.
CONVOY_INLINE void reduce_row(const float *p, int count, float *out) {
    // 8 pairs at a time, split into evens and odds by shuffles (the compiler left this scalar).
    int j = 0;
    for (; j + 8 <= count; j += 8) {
        float8 a, b;
        memcpy(&a, p + 2 * j, sizeof a);
        memcpy(&b, p + 2 * j + 8, sizeof b);
        float8 evens = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
        float8 odds = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
        float8 mean = 0.5f * (evens + odds);
        memcpy(out + j, &mean, sizeof mean);
    }
    for (; j < count; j++) out[j] = 0.5f * (p[2 * j] + p[2 * j + 1]);
}

CONVOY_INLINE void chroma_row(const float *const *rows, int count, uint8_t *out) {
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
    const float *r4 = rows[4], *r5 = rows[5], *r6 = rows[6], *r7 = rows[7];
    for (int x = 0; x < count; x++) {
        out[x] = to_level(128.0f + (D0 * r0[x] + D1 * r1[x] + D2 * r2[x] + D3 * r3[x]
                                    + D3 * r4[x] + D2 * r5[x] + D1 * r6[x] + D0 * r7[x]));
    }
}

CONVOY_INLINE void rgb_to_yuv420(const convoy_rgb_to_yuv_matrix *m, int width, int height,
                                 const uint8_t *r, ptrdiff_t rs, const uint8_t *g, ptrdiff_t gs,
                                 const uint8_t *b, ptrdiff_t bs, uint8_t *y, ptrdiff_t ys,
                                 uint8_t *u, ptrdiff_t us, uint8_t *v, ptrdiff_t vs, float *scratch) {
    const int cw = width / 2, ch = height / 2;
    const size_t padded = (size_t)width + 8, half = (size_t)cw + 1;
    float *fu = scratch, *fv = scratch + padded;
    float *ring_u = scratch + 2 * padded, *ring_v = ring_u + (size_t)RING * half;
    int emitted = 0;
    for (int row = 0; row < height; row++) {
        luma_row(m, width, r + row * rs, g + row * gs, b + row * bs, y + row * ys, fu, fv);
        reduce_row(fu, cw, ring_u + (size_t)(row % RING) * half);
        reduce_row(fv, cw, ring_v + (size_t)(row % RING) * half);
        // Chroma row j reads rows 2j - 3 ... 2j + 4: emit it once they are in.
        while (emitted < ch && (2 * emitted + 4 <= row || row == height - 1)) {
            const float *urows[8], *vrows[8];
            for (int t = 0; t < 8; t++) {
                int source = clamp_index(2 * emitted - 3 + t, height) % RING;
                urows[t] = ring_u + (size_t)source * half;
                vrows[t] = ring_v + (size_t)source * half;
            }
            chroma_row(urows, cw, u + emitted * us);
            chroma_row(vrows, cw, v + emitted * vs);
            emitted++;
        }
    }
}

CONVOY_VARIANTS(yuv420_to_rgb,
                (const convoy_yuv_to_rgb_matrix *m, int width, int height, const uint8_t *y, ptrdiff_t ys,
                 const uint8_t *u, ptrdiff_t us, const uint8_t *v, ptrdiff_t vs, uint8_t *r, ptrdiff_t rs,
                 uint8_t *g, ptrdiff_t gs, uint8_t *b, ptrdiff_t bs, float *scratch),
                (m, width, height, y, ys, u, us, v, vs, r, rs, g, gs, b, bs, scratch))

CONVOY_VARIANTS(rgb_to_yuv420,
                (const convoy_rgb_to_yuv_matrix *m, int width, int height, const uint8_t *r, ptrdiff_t rs,
                 const uint8_t *g, ptrdiff_t gs, const uint8_t *b, ptrdiff_t bs, uint8_t *y, ptrdiff_t ys,
                 uint8_t *u, ptrdiff_t us, uint8_t *v, ptrdiff_t vs, float *scratch),
                (m, width, height, r, rs, g, gs, b, bs, y, ys, u, us, v, vs, scratch))

void convoy_yuv420_to_rgb(const convoy_yuv_to_rgb_matrix *m, int width, int height,
                          const uint8_t *y, ptrdiff_t ys, const uint8_t *u, ptrdiff_t us,
                          const uint8_t *v, ptrdiff_t vs, uint8_t *r, ptrdiff_t rs,
                          uint8_t *g, ptrdiff_t gs, uint8_t *b, ptrdiff_t bs, float *scratch) {
    CONVOY_DISPATCH(yuv420_to_rgb, (m, width, height, y, ys, u, us, v, vs, r, rs, g, gs, b, bs, scratch));
}

void convoy_rgb_to_yuv420(const convoy_rgb_to_yuv_matrix *m, int width, int height,
                          const uint8_t *r, ptrdiff_t rs, const uint8_t *g, ptrdiff_t gs,
                          const uint8_t *b, ptrdiff_t bs, uint8_t *y, ptrdiff_t ys,
                          uint8_t *u, ptrdiff_t us, uint8_t *v, ptrdiff_t vs, float *scratch) {
    CONVOY_DISPATCH(rgb_to_yuv420, (m, width, height, r, rs, g, gs, b, bs, y, ys, u, us, v, vs, scratch));
}
