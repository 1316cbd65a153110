/*
 * kernels_simd128.c — the kernels of kernels.h with WebAssembly SIMD (f32x4), built only into
 * the -msimd128 module. Every C element is summed in the same order as in kernels_scalar.c
 * (k increasing, one multiply then one add, no fused operations), so results are
 * bit-identical to the scalar reference; only the number of elements per instruction changes.
 */
#include "kernels.h"

#include <string.h>
#include <wasm_simd128.h>

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define MADD(c, a, b) wasm_f32x4_add((c), wasm_f32x4_mul((a), (b)))

/* C (M, N) += a(i, k)·B (K, N) with a(i, k) = A[i·ai + k·ak]: NN (ai = K, ak = 1) and TN
 * (ai = 1, ak = M). Tiles of 4 rows × 8 columns keep 8 accumulators, 2 B vectors and 4 A
 * broadcasts in the 16 registers V8 has; tails take 4 columns, then single columns.
 *
 * Zeros are skipped. Inputs such as images are mostly zeros (81% of MNIST's pixels), and so
 * are ReLU activations and their gradients; a tile runs only over the k (in chunks of
 * K_CHUNK) where one of its 4 rows of A is nonzero. That changes no bit: each C element still
 * sums its terms in increasing k, and a skipped term a·b is ±0 for finite b, which leaves a
 * sum unchanged (a sum that starts at +0 never becomes −0 in round-to-nearest). Only an
 * infinite or NaN b under a zero a would differ (0·∞ is NaN); training rejects such a step. */
#define K_CHUNK 256

/* the k in [k0, k1) where one of the 4 rows a, a + ai, ... is nonzero; returns their count */
static int nonzero_ks(int *ks, const float *a, size_t ai, size_t ak, int k0, int k1) {
    int n = 0;
    for (int k = k0; k < k1; k++) {
        const float *p = a + (size_t)k * ak;
        ks[n] = k;
        n += (p[0] != 0.0f) | (p[ai] != 0.0f) | (p[2 * ai] != 0.0f) | (p[3 * ai] != 0.0f);
    }
    return n;
}

/* the 4 rows of a tile: c0..c3 (N) += Σ over the listed k of a(r, k)·B[k, :]; ks NULL lists
 * every k from k0 (the dense case, without the indirection: inlined twice, once for each) */
static inline __attribute__((always_inline)) void
tile4(int N, const int *ks, int k0, int n, const float *a, size_t ai, size_t ak, const float *B,
      float *c0, float *c1, float *c2, float *c3) {
    int j = 0;
    for (; j + 8 <= N; j += 8) {
        v128_t x0 = LD(c0 + j), y0 = LD(c0 + j + 4), x1 = LD(c1 + j), y1 = LD(c1 + j + 4);
        v128_t x2 = LD(c2 + j), y2 = LD(c2 + j + 4), x3 = LD(c3 + j), y3 = LD(c3 + j + 4);
        for (int t = 0; t < n; t++) {
            const int k = ks ? ks[t] : k0 + t;
            const float *ak0 = a + (size_t)k * ak;
            const v128_t b0 = LD(B + (size_t)k * N + j), b1 = LD(B + (size_t)k * N + j + 4);
            v128_t s = wasm_v128_load32_splat(ak0);
            x0 = MADD(x0, s, b0);
            y0 = MADD(y0, s, b1);
            s = wasm_v128_load32_splat(ak0 + ai);
            x1 = MADD(x1, s, b0);
            y1 = MADD(y1, s, b1);
            s = wasm_v128_load32_splat(ak0 + 2 * ai);
            x2 = MADD(x2, s, b0);
            y2 = MADD(y2, s, b1);
            s = wasm_v128_load32_splat(ak0 + 3 * ai);
            x3 = MADD(x3, s, b0);
            y3 = MADD(y3, s, b1);
        }
        ST(c0 + j, x0);
        ST(c0 + j + 4, y0);
        ST(c1 + j, x1);
        ST(c1 + j + 4, y1);
        ST(c2 + j, x2);
        ST(c2 + j + 4, y2);
        ST(c3 + j, x3);
        ST(c3 + j + 4, y3);
    }
    for (; j + 4 <= N; j += 4) {
        v128_t x0 = LD(c0 + j), x1 = LD(c1 + j), x2 = LD(c2 + j), x3 = LD(c3 + j);
        for (int t = 0; t < n; t++) {
            const int k = ks ? ks[t] : k0 + t;
            const float *ak0 = a + (size_t)k * ak;
            const v128_t b0 = LD(B + (size_t)k * N + j);
            x0 = MADD(x0, wasm_v128_load32_splat(ak0), b0);
            x1 = MADD(x1, wasm_v128_load32_splat(ak0 + ai), b0);
            x2 = MADD(x2, wasm_v128_load32_splat(ak0 + 2 * ai), b0);
            x3 = MADD(x3, wasm_v128_load32_splat(ak0 + 3 * ai), b0);
        }
        ST(c0 + j, x0);
        ST(c1 + j, x1);
        ST(c2 + j, x2);
        ST(c3 + j, x3);
    }
    for (; j < N; j++) {
        float s0 = c0[j], s1 = c1[j], s2 = c2[j], s3 = c3[j];
        for (int t = 0; t < n; t++) {
            const int k = ks ? ks[t] : k0 + t;
            const float *ak0 = a + (size_t)k * ak;
            const float b = B[(size_t)k * N + j];
            s0 += ak0[0] * b;
            s1 += ak0[ai] * b;
            s2 += ak0[2 * ai] * b;
            s3 += ak0[3 * ai] * b;
        }
        c0[j] = s0;
        c1[j] = s1;
        c2[j] = s2;
        c3[j] = s3;
    }
}

static void gemm_rows(int M, int N, int K, const float *A, size_t ai, size_t ak, const float *B,
                      float *C) {
    int ks[K_CHUNK];
    int i = 0;
    for (; i + 4 <= M; i += 4) {
        const float *a = A + (size_t)i * ai;
        float *c0 = C + (size_t)i * N, *c1 = c0 + N, *c2 = c1 + N, *c3 = c2 + N;
        for (int k0 = 0; k0 < K; k0 += K_CHUNK) {
            const int k1 = K - k0 < K_CHUNK ? K : k0 + K_CHUNK;
            const int n = nonzero_ks(ks, a, ai, ak, k0, k1);
            if (n == k1 - k0)
                tile4(N, NULL, k0, n, a, ai, ak, B, c0, c1, c2, c3);
            else if (n > 0)
                tile4(N, ks, 0, n, a, ai, ak, B, c0, c1, c2, c3);
        }
    }
    for (; i < M; i++) {        /* the last rows, one at a time */
        const float *a = A + (size_t)i * ai;
        float *c = C + (size_t)i * N;
        int j = 0;
        for (; j + 4 <= N; j += 4) {
            v128_t x = LD(c + j);
            for (int k = 0; k < K; k++)
                x = MADD(x, wasm_v128_load32_splat(a + (size_t)k * ak), LD(B + (size_t)k * N + j));
            ST(c + j, x);
        }
        for (; j < N; j++) {
            float s = c[j];
            for (int k = 0; k < K; k++)
                s += a[(size_t)k * ak] * B[(size_t)k * N + j];
            c[j] = s;
        }
    }
}

/* C = [C +] op(A)·op(B); see kernels.h */
void nn_gemm(int ta, int tb, int M, int N, int K, const float *A, const float *B, float *C,
             int acc) {
    if (!acc)
        memset(C, 0, (size_t)M * (size_t)N * sizeof *C);
    if (!tb) {
        gemm_rows(M, N, K, A, ta ? 1 : (size_t)K, ta ? (size_t)M : 1, B, C);
        return;
    }
    nn_gemm_dots(ta, M, N, K, A, B, C); /* B is (N, K): see kernels_common.c */
}

void nn_add_row(float *y, const float *b, int M, int N) {
    for (int i = 0; i < M; i++) {
        float *r = y + (size_t)i * N;
        int j = 0;
        for (; j + 4 <= N; j += 4)
            ST(r + j, wasm_f32x4_add(LD(r + j), LD(b + j)));
        for (; j < N; j++)
            r[j] += b[j];
    }
}

void nn_sum_rows(float *s, const float *x, int M, int N) {
    for (int i = 0; i < M; i++) {
        const float *r = x + (size_t)i * N;
        int j = 0;
        for (; j + 4 <= N; j += 4)
            ST(s + j, wasm_f32x4_add(LD(s + j), LD(r + j)));
        for (; j < N; j++)
            s[j] += r[j];
    }
}

void nn_mul(float *y, const float *m, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        ST(y + i, wasm_f32x4_mul(LD(y + i), LD(m + i)));
    for (; i < n; i++)
        y[i] *= m[i];
}


void nn_axpy(float *y, float a, const float *x, size_t n) {
    const v128_t va = wasm_f32x4_splat(a);
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        ST(y + i, MADD(LD(y + i), va, LD(x + i)));
    for (; i < n; i++)
        y[i] += a * x[i];
}

void nn_scale(float *x, float a, size_t n) {
    const v128_t va = wasm_f32x4_splat(a);
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        ST(x + i, wasm_f32x4_mul(LD(x + i), va));
    for (; i < n; i++)
        x[i] *= a;
}


/* x·0 is 0 for finite x and NaN for ±inf or NaN, and a NaN stays NaN through the sums */
int nn_all_finite(const float *x, size_t n) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    v128_t acc = zero;
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(LD(x + i), zero));
    float tail = 0.0f;
    for (; i < n; i++)
        tail += x[i] * 0.0f;
    return wasm_v128_any_true(wasm_f32x4_ne(acc, zero)) == 0 && tail == 0.0f;
}

/* widen 16 bytes to 4×4 floats and divide by 255 (a division, as the scalar code does) */
void nn_bytes_to_floats(float *dst, const uint8_t *src, size_t n) {
    const v128_t k = wasm_f32x4_splat(255.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const v128_t b = wasm_v128_load(src + i);
        const v128_t lo = wasm_u16x8_extend_low_u8x16(b), hi = wasm_u16x8_extend_high_u8x16(b);
        ST(dst + i, wasm_f32x4_div(wasm_f32x4_convert_u32x4(wasm_u32x4_extend_low_u16x8(lo)), k));
        ST(dst + i + 4,
           wasm_f32x4_div(wasm_f32x4_convert_u32x4(wasm_u32x4_extend_high_u16x8(lo)), k));
        ST(dst + i + 8, wasm_f32x4_div(wasm_f32x4_convert_u32x4(wasm_u32x4_extend_low_u16x8(hi)), k));
        ST(dst + i + 12,
           wasm_f32x4_div(wasm_f32x4_convert_u32x4(wasm_u32x4_extend_high_u16x8(hi)), k));
    }
    for (; i < n; i++)
        dst[i] = (float)src[i] / 255.0f;
}
