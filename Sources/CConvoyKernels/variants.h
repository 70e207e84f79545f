#ifndef CONVOY_VARIANTS_H
#define CONVOY_VARIANTS_H

#include "convoy_isa.h"

// Each kernel is written once as an always-inlined body and compiled three times, into functions
// whose target attributes let the compiler vectorise the body for SSE2 (the package's baseline),
// AVX2 or AVX-512; `CONVOY_DISPATCH` calls the one convoy_isa() names. Products and sums are
// never fused into FMAs (the AVX-512 target has them), so all three round alike.
#pragma clang fp contract(off)

#define CONVOY_INLINE static inline __attribute__((always_inline))

#include <stdint.h>
#include <string.h>

// The whole number nearest `level` (ties to even) for level in -0.5 ..< 2^22, as ConvoyTensor's
// SampleLevels.nearest computes it: adding 1.5 * 2^23 leaves it in the low bits of the sum.
CONVOY_INLINE uint32_t convoy_nearest(float level) {
    float shifted = level + 12582912.0f;
    uint32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    return bits - 0x4B400000u;
}

#if defined(__x86_64__)
#define CONVOY_VARIANTS(name, parameters, arguments)                                               \
    static void name##_baseline parameters { name arguments; }                                    \
    __attribute__((target("avx2"))) static void name##_avx2 parameters { name arguments; }       \
    __attribute__((target("avx512f,avx512bw"))) static void name##_avx512 parameters { name arguments; }

#define CONVOY_DISPATCH(name, arguments)                                                           \
    switch (convoy_isa()) {                                                                       \
    case CONVOY_ISA_AVX512: name##_avx512 arguments; return;                                      \
    case CONVOY_ISA_AVX2: name##_avx2 arguments; return;                                          \
    default: name##_baseline arguments; return;                                                   \
    }
#else
#define CONVOY_VARIANTS(name, parameters, arguments)                                               \
    static void name##_baseline parameters { name arguments; }
#define CONVOY_DISPATCH(name, arguments) name##_baseline arguments
#endif

#endif
