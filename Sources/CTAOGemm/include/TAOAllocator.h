// Process-wide settings of the C allocator for tensor work.
#ifndef TAOALLOCATOR_H
#define TAOALLOCATOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// With glibc: blocks up to `mmap_threshold_bytes` come from the heap instead of their own mappings, and freed
/// heap memory is returned to the kernel only past `trim_threshold_bytes`. Elsewhere it does nothing.
void tao_allocator_keep_buffers(int mmap_threshold_bytes, int trim_threshold_bytes);

#ifdef __cplusplus
}
#endif

#endif
