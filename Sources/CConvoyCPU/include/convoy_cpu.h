#ifndef CONVOY_CPU_H
#define CONVOY_CPU_H

#include <stdint.h>

// What the processor and the operating system let Convoy run, read from CPUID and XGETBV at run
// time (all zero on processors other than x86-64).
typedef struct {
    int avx2;        // CPUID.7.0:EBX[5], with the OS saving the YMM state
    int fma;         // CPUID.1:ECX[12], with the OS saving the YMM state
    int avx512f;     // CPUID.7.0:EBX[16], with the OS saving the opmask and ZMM state
    int avx512_bf16; // CPUID.7.1:EAX[5], with the OS saving the opmask and ZMM state
    int amx_bf16;    // CPUID.7.0:EDX[22], with the OS saving the tile state (XCR0 bits 17 and 18)
} convoy_cpu_features;

convoy_cpu_features convoy_cpu_detect(void);

// The FMA-chain kernels that measure the machine's FP32 FMA peak.
enum {
    CONVOY_FMA_SCALAR = 0,   // baseline x86-64: fmaf, one lane
    CONVOY_FMA_AVX2 = 1,     // 256-bit vfmadd, needs AVX2 and FMA
    CONVOY_FMA_AVX512 = 2,   // 512-bit vfmadd, needs AVX512F
};

// Floats the kernel keeps in flight: its independent chains times its lanes.
int convoy_fma_chain_values(int kernel);

// Runs `iterations` steps of value = value * multiplier + addend (fused, one rounding) on every
// value, each starting at values[i] (convoy_fma_chain_values(kernel) floats), and writes the
// final values back. Each step of each value is 2 FLOPs.
void convoy_fma_chains(int kernel, int64_t iterations, float multiplier, float addend, float *values);

#endif
