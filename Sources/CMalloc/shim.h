#ifndef CONVOY_CMALLOC_SHIM_H
#define CONVOY_CMALLOC_SHIM_H

#include <malloc.h>

// glibc's heap tuning, which Swift's Glibc module does not export.
static inline int convoy_malloc_keep_large_blocks(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

#endif
