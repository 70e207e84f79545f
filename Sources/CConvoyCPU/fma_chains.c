#include "convoy_cpu.h"

#include <math.h>

// Enough independent chains to cover FMA latency (4-5 cycles) times two FMA pipes, with
// registers left for the multiplier and the addend.
#define SCALAR_CHAINS 8
#define AVX2_CHAINS 12
#define AVX512_CHAINS 16

static void scalar_chains(int64_t iterations, float multiplier, float addend, float *values) {
    float acc[SCALAR_CHAINS];
    for (int c = 0; c < SCALAR_CHAINS; c++) acc[c] = values[c];
    for (int64_t i = 0; i < iterations; i++) {
        for (int c = 0; c < SCALAR_CHAINS; c++) acc[c] = fmaf(acc[c], multiplier, addend);
    }
    for (int c = 0; c < SCALAR_CHAINS; c++) values[c] = acc[c];
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static void avx2_chains(int64_t iterations, float multiplier, float addend, float *values) {
    __m256 acc[AVX2_CHAINS];
    const __m256 m = _mm256_set1_ps(multiplier), a = _mm256_set1_ps(addend);
    for (int c = 0; c < AVX2_CHAINS; c++) acc[c] = _mm256_loadu_ps(values + 8 * c);
    for (int64_t i = 0; i < iterations; i++) {
        for (int c = 0; c < AVX2_CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], m, a);
    }
    for (int c = 0; c < AVX2_CHAINS; c++) _mm256_storeu_ps(values + 8 * c, acc[c]);
}

__attribute__((target("avx512f")))
static void avx512_chains(int64_t iterations, float multiplier, float addend, float *values) {
    __m512 acc[AVX512_CHAINS];
    const __m512 m = _mm512_set1_ps(multiplier), a = _mm512_set1_ps(addend);
    for (int c = 0; c < AVX512_CHAINS; c++) acc[c] = _mm512_loadu_ps(values + 16 * c);
    for (int64_t i = 0; i < iterations; i++) {
        for (int c = 0; c < AVX512_CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], m, a);
    }
    for (int c = 0; c < AVX512_CHAINS; c++) _mm512_storeu_ps(values + 16 * c, acc[c]);
}
#endif

int convoy_fma_chain_values(int kernel) {
    switch (kernel) {
    case CONVOY_FMA_AVX2: return AVX2_CHAINS * 8;
    case CONVOY_FMA_AVX512: return AVX512_CHAINS * 16;
    default: return SCALAR_CHAINS;
    }
}

void convoy_fma_chains(int kernel, int64_t iterations, float multiplier, float addend, float *values) {
    switch (kernel) {
#if defined(__x86_64__)
    case CONVOY_FMA_AVX2: avx2_chains(iterations, multiplier, addend, values); return;
    case CONVOY_FMA_AVX512: avx512_chains(iterations, multiplier, addend, values); return;
#endif
    default: scalar_chains(iterations, multiplier, addend, values); return;
    }
}
