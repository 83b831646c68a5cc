// tao's GEMM on pre-packed weights: C = A W^T (+ bias) where W [n, k] (an inference layer's weight, frozen) is
// packed once into panels of `panel width` columns of W^T, so each call streams the panels without BLAS's
// per-call packing. One register-blocked micro-kernel per instruction set, chosen at run time: AVX-512F,
// AVX2 with FMA, or plain C (the binary itself only assumes x86-64 or any other target).
#ifndef CTAOGEMM_H
#define CTAOGEMM_H

#include <stddef.h>

#include "TAOAllocator.h"
#include "TAOSpinPool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The micro-kernels; a packed matrix is laid out for one of them.
typedef enum {
    TAO_GEMM_SCALAR = 0,
    TAO_GEMM_AVX2 = 1,
    TAO_GEMM_AVX512 = 2,
} tao_gemm_kernel;

/// Whether this CPU can run `kernel`.
int tao_gemm_kernel_supported(tao_gemm_kernel kernel);

/// The fastest kernel this CPU can run.
tao_gemm_kernel tao_gemm_best_kernel(void);

/// Columns of W^T (rows of W) per packed panel of `kernel`.
int tao_gemm_panel_width(tao_gemm_kernel kernel);

/// Panels covering `n` columns.
int tao_gemm_panel_count(tao_gemm_kernel kernel, int n);

/// Floats a packed [n, k] weight takes (panels padded with zeros to a whole panel width).
size_t tao_gemm_packed_count(tao_gemm_kernel kernel, int n, int k);

/// Packs W [n, k] (row stride `ldw`) for `kernel` into `packed` (tao_gemm_packed_count floats, best 64-byte aligned).
void tao_gemm_pack(tao_gemm_kernel kernel, const float *w, int n, int k, int ldw, float *packed);

/// Packs W [n, k] given as its transpose W^T [k, n] (row stride `ldwt`), as tao_gemm_pack packs W, so that
/// C = A B needs no copy of B = W^T first (attention's probabilities times values).
void tao_gemm_pack_transposed(tao_gemm_kernel kernel, const float *wt, int n, int k, int ldwt, float *packed);

/// C[m, n] (row stride ldc) = A[m, k] (row stride lda) W^T + bias (bias [n] or NULL) for the output columns of
/// panels panel_begin..<panel_end only (threads split the panels). `packed` comes from tao_gemm_pack with the
/// same kernel, n and k.
void tao_gemm_packed(tao_gemm_kernel kernel, int m, int n, int k, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc, int panel_begin, int panel_end);

/// The whole product C = A W^T + bias, its panels split over `threads` parts run on tao's spinning worker pool
/// (TAOSpinPool.h); on the calling thread alone when `threads` < 2 or the pool is busy.
void tao_gemm_packed_threads(tao_gemm_kernel kernel, int m, int n, int k, const float *a, int lda, const float *packed,
                             const float *bias, float *c, int ldc, int threads);

#ifdef __cplusplus
}
#endif

#endif
