// See TAOAllocator.h.
#include "TAOAllocator.h"

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

void tao_allocator_keep_buffers(int mmap_threshold_bytes, int trim_threshold_bytes) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes);
    mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes);
#else
    (void)mmap_threshold_bytes;
    (void)trim_threshold_bytes;
#endif
}
