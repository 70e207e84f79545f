#ifndef CONVOY_CDNNL_SHIM_H
#define CONVOY_CDNNL_SHIM_H

#include <oneapi/dnnl/dnnl.h>

// oneDNN in Debian runs its threads on GNU OpenMP; omp.h lives in gcc's private include
// directory, so the two calls Convoy needs are declared here.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);

// A macro of oneDNN's Swift cannot import: the handle that asks dnnl_memory_create to allocate
// the buffer itself.
static inline void *convoy_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }

#endif
