#ifndef CONVOY_ISA_H
#define CONVOY_ISA_H

// The instruction-set level Convoy's own SIMD kernels (CConvoyKernels) run at, chosen once at run
// time: the widest this processor and its operating system support, or lower when the
// environment variable CONVOY_ISA asks for it ("baseline", "avx2", "avx512"; a level the machine
// lacks falls back to the widest it has).
enum {
    CONVOY_ISA_BASELINE = 0, // x86-64 baseline (SSE2): the code the package is built for
    CONVOY_ISA_AVX2 = 1,     // AVX2 and FMA, 256-bit lanes
    CONVOY_ISA_AVX512 = 2,   // AVX512F and AVX512BW, 512-bit lanes
};

// The widest level this processor runs (CPUID and XGETBV).
int convoy_isa_supported(void);

// The level in use: CONVOY_ISA's, capped at convoy_isa_supported(), or the supported one; read
// once, on the first call.
int convoy_isa(void);

// Makes `level` (capped at convoy_isa_supported()) the level in use from now on and returns the
// one before, so tests and benchmarks can run every variant in one process.
int convoy_isa_set(int level);

// What CONVOY_ISA asks for: a level, -1 when it is unset or empty, -2 when it names none.
int convoy_isa_requested(void);

#endif
