#include "convoy_cpu.h"
#include "convoy_isa.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

// AVX512BW (CPUID.7.0:EBX[30]): the 16-bit lanes the integer kernels use at 512 bits.
static int has_avx512bw(void) {
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx >> 30) & 1;
}
#else
static int has_avx512bw(void) { return 0; }
#endif

int convoy_isa_supported(void) {
    convoy_cpu_features features = convoy_cpu_detect();
    if (features.avx512f && has_avx512bw() && features.avx2 && features.fma) return CONVOY_ISA_AVX512;
    if (features.avx2 && features.fma) return CONVOY_ISA_AVX2;
    return CONVOY_ISA_BASELINE;
}

int convoy_isa_requested(void) {
    const char *name = getenv("CONVOY_ISA");
    if (name == NULL || name[0] == 0) return -1;
    if (strcmp(name, "baseline") == 0 || strcmp(name, "sse2") == 0) return CONVOY_ISA_BASELINE;
    if (strcmp(name, "avx2") == 0) return CONVOY_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return CONVOY_ISA_AVX512;
    return -2;
}

static _Atomic int chosen = -1;

static int capped(int level) {
    int supported = convoy_isa_supported();
    if (level < 0 || level > supported) return supported;
    return level;
}

int convoy_isa(void) {
    int level = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (level >= 0) return level;
    level = capped(convoy_isa_requested());
    atomic_store_explicit(&chosen, level, memory_order_relaxed);
    return level;
}

int convoy_isa_set(int level) {
    int previous = convoy_isa();
    atomic_store_explicit(&chosen, capped(level), memory_order_relaxed);
    return previous;
}
