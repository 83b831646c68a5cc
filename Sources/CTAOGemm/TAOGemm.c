// Packed-weight GEMM (see CTAOGemm.h). Layout of a packed W [n, k] for a kernel of panel width NR: panel p holds
// W^T's columns p*NR ..< p*NR+NR as k rows of NR floats (packed[(p*k + kk)*NR + j] = W[p*NR + j][kk]), the
// last panel padded with zeros. A micro-kernel keeps a tile of MR rows x NR columns of C in registers, runs the
// whole k loop broadcasting one value of A per row and loading one row of the panel, and stores the tile once
// (with the bias as the accumulators' start). Rows are taken in blocks sized for the L2 cache, and within a
// block every panel is reused by all row tiles while it is cache-hot.
#include "CTAOGemm.h"
#include "TAOSpinPool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TAO_GEMM_X86 1
#endif

enum {
    SCALAR_ROWS = 4, SCALAR_WIDTH = 16,
    AVX2_ROWS = 6, AVX2_WIDTH = 16,
    AVX512_ROWS = 8, AVX512_WIDTH = 48,
    /// Panel rows the kernels prefetch ahead. AVX-512: one MiniLM pass of 24 GEMMs at 32 rows took 4.9 ms with
    /// 64 rows ahead against 7.7 ms with none (8: 7.2, 16: 6.6, 32: 5.4-6.0). AVX2 (Zen 3): MiniLM batch 1 x 32 took
    /// 9.1-9.3 ms against 10.0 ms with none (32 and 128 rows ahead: the same as 64).
    PREFETCH_ROWS = 64,
    /// Bytes of A one row block may take (it stays in L2 while every panel passes over it).
    ROW_BLOCK_BYTES = 256 * 1024,
};

int tao_gemm_kernel_supported(tao_gemm_kernel kernel) {
    switch (kernel) {
    case TAO_GEMM_SCALAR: return 1;
#if TAO_GEMM_X86
    case TAO_GEMM_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case TAO_GEMM_AVX512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

tao_gemm_kernel tao_gemm_best_kernel(void) {
    if (tao_gemm_kernel_supported(TAO_GEMM_AVX512)) return TAO_GEMM_AVX512;
    if (tao_gemm_kernel_supported(TAO_GEMM_AVX2)) return TAO_GEMM_AVX2;
    return TAO_GEMM_SCALAR;
}

int tao_gemm_panel_width(tao_gemm_kernel kernel) {
    switch (kernel) {
    case TAO_GEMM_AVX512: return AVX512_WIDTH;
    case TAO_GEMM_AVX2: return AVX2_WIDTH;
    default: return SCALAR_WIDTH;
    }
}

int tao_gemm_panel_count(tao_gemm_kernel kernel, int n) {
    int width = tao_gemm_panel_width(kernel);
    return (n + width - 1) / width;
}

size_t tao_gemm_packed_count(tao_gemm_kernel kernel, int n, int k) {
    return (size_t)tao_gemm_panel_count(kernel, n) * (size_t)tao_gemm_panel_width(kernel) * (size_t)k;
}

void tao_gemm_pack(tao_gemm_kernel kernel, const float *w, int n, int k, int ldw, float *packed) {
    int width = tao_gemm_panel_width(kernel), panels = tao_gemm_panel_count(kernel, n);
    for (int p = 0; p < panels; p++) {
        float *panel = packed + (size_t)p * k * width;
        for (int j = 0; j < width; j++) {
            int row = p * width + j;
            if (row < n) {
                const float *source = w + (size_t)row * ldw;
                for (int kk = 0; kk < k; kk++) panel[(size_t)kk * width + j] = source[kk];
            } else {
                for (int kk = 0; kk < k; kk++) panel[(size_t)kk * width + j] = 0;
            }
        }
    }
}

void tao_gemm_pack_transposed(tao_gemm_kernel kernel, const float *wt, int n, int k, int ldwt, float *packed) {
    int width = tao_gemm_panel_width(kernel), panels = tao_gemm_panel_count(kernel, n);
    for (int p = 0; p < panels; p++) {
        float *panel = packed + (size_t)p * k * width;
        int column = p * width, columns = n - column < width ? n - column : width;
        for (int kk = 0; kk < k; kk++) {
            const float *source = wt + (size_t)kk * ldwt + column;
            float *row = panel + (size_t)kk * width;
            for (int j = 0; j < columns; j++) row[j] = source[j];
            for (int j = columns; j < width; j++) row[j] = 0;
        }
    }
}

/// Rows per block: as many whole tiles of `tile` rows as fit ROW_BLOCK_BYTES of A, at least one tile.
static int row_block(int k, int tile) {
    long rows = ROW_BLOCK_BYTES / ((long)(k > 0 ? k : 1) * (long)sizeof(float));
    rows -= rows % tile;
    return rows < tile ? tile : (int)rows;
}

// ---------------------------------------------------------------- plain C

static inline __attribute__((always_inline)) void scalar_tile(const int rows, int k, const float *a, int lda, const float *panel,
                                                              const float *bias, float *c, int ldc, int columns) {
    float acc[SCALAR_ROWS][SCALAR_WIDTH];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < SCALAR_WIDTH; j++) acc[i][j] = bias && j < columns ? bias[j] : 0;
    for (int kk = 0; kk < k; kk++) {
        const float *b = panel + (size_t)kk * SCALAR_WIDTH;
        for (int i = 0; i < rows; i++) {
            float x = a[(size_t)i * lda + kk];
            for (int j = 0; j < SCALAR_WIDTH; j++) acc[i][j] += x * b[j];
        }
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < columns; j++) c[(size_t)i * ldc + j] = acc[i][j];
}

static void scalar_rows(int rows, int k, const float *a, int lda, const float *panel, const float *bias, float *c, int ldc,
                        int columns) {
    int i = 0;
    for (; i + SCALAR_ROWS <= rows; i += SCALAR_ROWS)
        scalar_tile(SCALAR_ROWS, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns);
    switch (rows - i) {
    case 3: scalar_tile(3, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns); break;
    case 2: scalar_tile(2, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns); break;
    case 1: scalar_tile(1, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns); break;
    default: break;
    }
}

#if TAO_GEMM_X86

// ---------------------------------------------------------------- AVX2 + FMA: 6 x 16 tile (12 of 16 ymm registers)

#define TAO_AVX2 __attribute__((target("avx2,fma")))

static inline TAO_AVX2 __attribute__((always_inline)) void avx2_tile(const int rows, int k, const float *a, int lda,
                                                                    const float *panel, const float *bias, float *c, int ldc,
                                                                    int columns) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), lanes);
    __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns - 8), lanes);
    __m256 start0 = bias ? _mm256_maskload_ps(bias, mask0) : _mm256_setzero_ps();
    __m256 start1 = bias ? _mm256_maskload_ps(bias + 8, mask1) : _mm256_setzero_ps();
    __m256 acc[AVX2_ROWS][2];
    for (int i = 0; i < rows; i++) {
        acc[i][0] = start0;
        acc[i][1] = start1;
    }
    for (int kk = 0; kk < k; kk++) {
        const float *b = panel + (size_t)kk * AVX2_WIDTH;
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        _mm_prefetch((const char *)(b + PREFETCH_ROWS * AVX2_WIDTH), _MM_HINT_T0);
        for (int i = 0; i < rows; i++) {
            __m256 x = _mm256_broadcast_ss(a + (size_t)i * lda + kk);
            acc[i][0] = _mm256_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    if (columns == AVX2_WIDTH) {
        for (int i = 0; i < rows; i++) {
            _mm256_storeu_ps(c + (size_t)i * ldc, acc[i][0]);
            _mm256_storeu_ps(c + (size_t)i * ldc + 8, acc[i][1]);
        }
    } else {
        for (int i = 0; i < rows; i++) {
            _mm256_maskstore_ps(c + (size_t)i * ldc, mask0, acc[i][0]);
            _mm256_maskstore_ps(c + (size_t)i * ldc + 8, mask1, acc[i][1]);
        }
    }
}

static TAO_AVX2 void avx2_rows(int rows, int k, const float *a, int lda, const float *panel, const float *bias, float *c,
                               int ldc, int columns) {
    int i = 0;
    for (; i + AVX2_ROWS <= rows; i += AVX2_ROWS)
        avx2_tile(AVX2_ROWS, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns);
    const float *ar = a + (size_t)i * lda;
    float *cr = c + (size_t)i * ldc;
    switch (rows - i) {
    case 5: avx2_tile(5, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 4: avx2_tile(4, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 3: avx2_tile(3, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 2: avx2_tile(2, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 1: avx2_tile(1, k, ar, lda, panel, bias, cr, ldc, columns); break;
    default: break;
    }
}

// ---------------------------------------------------------------- AVX-512F: 8 x 48 tile (24 of 32 zmm registers)

#define TAO_AVX512 __attribute__((target("avx512f,fma")))

static inline TAO_AVX512 __attribute__((always_inline)) void avx512_tile(const int rows, int k, const float *a, int lda,
                                                                        const float *panel, const float *bias, float *c,
                                                                        int ldc, int columns) {
    __mmask16 mask[3];
    for (int v = 0; v < 3; v++) {
        int left = columns - 16 * v;
        mask[v] = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
    }
    __m512 start[3];
    for (int v = 0; v < 3; v++) start[v] = bias ? _mm512_maskz_loadu_ps(mask[v], bias + 16 * v) : _mm512_setzero_ps();
    __m512 acc[AVX512_ROWS][3];
    for (int i = 0; i < rows; i++)
        for (int v = 0; v < 3; v++) acc[i][v] = start[v];
    for (int kk = 0; kk < k; kk++) {
        const float *b = panel + (size_t)kk * AVX512_WIDTH;
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
        // The panels stream from L3 (MiniLM's 42 MB of weights): fetch 64 rows (12 KB) ahead into L1.
        _mm_prefetch((const char *)(b + PREFETCH_ROWS * AVX512_WIDTH), _MM_HINT_T0);
        _mm_prefetch((const char *)(b + PREFETCH_ROWS * AVX512_WIDTH + 16), _MM_HINT_T0);
        _mm_prefetch((const char *)(b + PREFETCH_ROWS * AVX512_WIDTH + 32), _MM_HINT_T0);
        for (int i = 0; i < rows; i++) {
            __m512 x = _mm512_set1_ps(a[(size_t)i * lda + kk]);
            acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
            acc[i][2] = _mm512_fmadd_ps(x, b2, acc[i][2]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int v = 0; v < 3; v++) _mm512_mask_storeu_ps(c + (size_t)i * ldc + 16 * v, mask[v], acc[i][v]);
}

static TAO_AVX512 void avx512_rows(int rows, int k, const float *a, int lda, const float *panel, const float *bias, float *c,
                                   int ldc, int columns) {
    int i = 0;
    for (; i + AVX512_ROWS <= rows; i += AVX512_ROWS)
        avx512_tile(AVX512_ROWS, k, a + (size_t)i * lda, lda, panel, bias, c + (size_t)i * ldc, ldc, columns);
    const float *ar = a + (size_t)i * lda;
    float *cr = c + (size_t)i * ldc;
    switch (rows - i) {
    case 7: avx512_tile(7, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 6: avx512_tile(6, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 5: avx512_tile(5, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 4: avx512_tile(4, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 3: avx512_tile(3, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 2: avx512_tile(2, k, ar, lda, panel, bias, cr, ldc, columns); break;
    case 1: avx512_tile(1, k, ar, lda, panel, bias, cr, ldc, columns); break;
    default: break;
    }
}

#endif

// ---------------------------------------------------------------- driver

typedef void (*rows_function)(int rows, int k, const float *a, int lda, const float *panel, const float *bias, float *c,
                              int ldc, int columns);

void tao_gemm_packed(tao_gemm_kernel kernel, int m, int n, int k, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc, int panel_begin, int panel_end) {
    rows_function rows_of = scalar_rows;
    int tile = SCALAR_ROWS;
#if TAO_GEMM_X86
    if (kernel == TAO_GEMM_AVX512) {
        rows_of = avx512_rows;
        tile = AVX512_ROWS;
    } else if (kernel == TAO_GEMM_AVX2) {
        rows_of = avx2_rows;
        tile = AVX2_ROWS;
    }
#endif
    int width = tao_gemm_panel_width(kernel), panels = tao_gemm_panel_count(kernel, n);
    if (panel_end > panels) panel_end = panels;
    int block = row_block(k, tile);
    for (int first = 0; first < m; first += block) {
        int rows = m - first < block ? m - first : block;
        for (int p = panel_begin; p < panel_end; p++) {
            int column = p * width, columns = n - column < width ? n - column : width;
            rows_of(rows, k, a + (size_t)first * lda, lda, packed + (size_t)p * k * width, bias ? bias + column : 0,
                    c + (size_t)first * ldc + column, ldc, columns);
        }
    }
}

/// One call's arguments, shared by the parts of a parallel section.
typedef struct {
    tao_gemm_kernel kernel;
    int m, n, k, lda, ldc, panels;
    const float *a, *packed, *bias;
    float *c;
} packed_call;

static void packed_part(void *context, int part, int parts) {
    const packed_call *call = context;
    int begin = (int)((long)call->panels * part / parts), end = (int)((long)call->panels * (part + 1) / parts);
    tao_gemm_packed(call->kernel, call->m, call->n, call->k, call->a, call->lda, call->packed, call->bias, call->c,
                    call->ldc, begin, end);
}

void tao_gemm_packed_threads(tao_gemm_kernel kernel, int m, int n, int k, const float *a, int lda, const float *packed,
                             const float *bias, float *c, int ldc, int threads) {
    packed_call call = {kernel, m, n, k, lda, ldc, tao_gemm_panel_count(kernel, n), a, packed, bias, c};
    if (threads > call.panels) threads = call.panels;
    if (threads < 2 || !tao_pool_run(threads, packed_part, &call)) packed_part(&call, 0, 1);
}
