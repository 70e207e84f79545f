#include "convoy_cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}

convoy_cpu_features convoy_cpu_detect(void) {
    convoy_cpu_features features = {0, 0, 0, 0, 0};
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return features;
    int osxsave = (ecx >> 27) & 1;
    int fma = (ecx >> 12) & 1;
    if (!osxsave) return features;
    uint64_t xcr0 = read_xcr0();
    int ymm_state = (xcr0 & 0x6) == 0x6;             // SSE and AVX state
    int zmm_state = (xcr0 & 0xe6) == 0xe6;           // and opmask, ZMM0-15 upper halves, ZMM16-31
    int tile_state = (xcr0 & 0x60000) == 0x60000;    // XTILECFG and XTILEDATA
    unsigned int max_leaf = __get_cpuid_max(0, 0);
    features.fma = fma && ymm_state;
    if (max_leaf < 7) return features;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    unsigned int subleaves = eax;
    features.avx2 = ((ebx >> 5) & 1) && ymm_state;
    features.avx512f = ((ebx >> 16) & 1) && zmm_state;
    features.amx_bf16 = ((edx >> 22) & 1) && tile_state;
    if (subleaves >= 1) {
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        features.avx512_bf16 = ((eax >> 5) & 1) && zmm_state;
    }
    return features;
}

#else

convoy_cpu_features convoy_cpu_detect(void) {
    convoy_cpu_features features = {0, 0, 0, 0, 0};
    return features;
}

#endif
