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

/* the bits of *p but its sign: 0 for ±0 only. Tests of zero go through the integer bits:
 * V8 compiles a float compare into a compare and two branches (for NaN). */
static inline uint32_t magnitude(const float *p) {
    uint32_t u;
    memcpy(&u, p, sizeof u);
    return u << 1;
}

/* the k in [k0, k1) where one of the 4 rows a, a + ai, ... is nonzero; returns their count */
static int nonzero_ks(int *ks, const float *a, size_t ai, size_t ak, int k0, int k1) {
    int n = 0;
    for (int k = k0; k < k1; k++) {
        const float *p = a + (size_t)k * ak;
        ks[n] = k;
        n += (magnitude(p) | magnitude(p + ai) | magnitude(p + 2 * ai) | magnitude(p + 3 * ai)) != 0;
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

/* ---- convolution GEMMs on patches (kernels.h) ----------------------------------------------
 * The GEMM tiles above with A read from the images: a tile's 4 rows are 4 windows (or, for dW,
 * 4 patch positions), each a pointer into x, and its list of k carries the offset of each k in
 * a window, (kh·W + kw)·C + c. Zeros are skipped as above (a listed k has a nonzero in one of
 * the 4 rows), and dW and dx also skip the rows of dy that are all zero, whose products are
 * all ±0: the same bits, with the same caveat (a skipped zero times an infinite or NaN value
 * would have been NaN). */

/* c0..c3 (N) = (init ? +0 : c) + Σ over the listed t of a_r[offs[t]]·B[ks[t], :], k in the
 * order listed */
static inline __attribute__((always_inline)) void
ptile4(int N, int n, const int *ks, const int *offs, const float *a0, const float *a1,
       const float *a2, const float *a3, const float *B, float *c0, float *c1, float *c2,
       float *c3, int init) {
    const v128_t z = wasm_f32x4_splat(0.0f);
    int j = 0;
    for (; j + 8 <= N; j += 8) {
        v128_t x0 = z, y0 = z, x1 = z, y1 = z, x2 = z, y2 = z, x3 = z, y3 = z;
        if (!init) {
            x0 = LD(c0 + j), y0 = LD(c0 + j + 4), x1 = LD(c1 + j), y1 = LD(c1 + j + 4);
            x2 = LD(c2 + j), y2 = LD(c2 + j + 4), x3 = LD(c3 + j), y3 = LD(c3 + j + 4);
        }
        for (int t = 0; t < n; t++) {
            const float *b = B + (size_t)ks[t] * N + j;
            const int o = offs[t];
            const v128_t b0 = LD(b), b1 = LD(b + 4);
            v128_t s = wasm_v128_load32_splat(a0 + o);
            x0 = MADD(x0, s, b0);
            y0 = MADD(y0, s, b1);
            s = wasm_v128_load32_splat(a1 + o);
            x1 = MADD(x1, s, b0);
            y1 = MADD(y1, s, b1);
            s = wasm_v128_load32_splat(a2 + o);
            x2 = MADD(x2, s, b0);
            y2 = MADD(y2, s, b1);
            s = wasm_v128_load32_splat(a3 + o);
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
        v128_t x0 = z, x1 = z, x2 = z, x3 = z;
        if (!init)
            x0 = LD(c0 + j), x1 = LD(c1 + j), x2 = LD(c2 + j), x3 = LD(c3 + j);
        for (int t = 0; t < n; t++) {
            const v128_t b0 = LD(B + (size_t)ks[t] * N + j);
            const int o = offs[t];
            x0 = MADD(x0, wasm_v128_load32_splat(a0 + o), b0);
            x1 = MADD(x1, wasm_v128_load32_splat(a1 + o), b0);
            x2 = MADD(x2, wasm_v128_load32_splat(a2 + o), b0);
            x3 = MADD(x3, wasm_v128_load32_splat(a3 + o), b0);
        }
        ST(c0 + j, x0);
        ST(c1 + j, x1);
        ST(c2 + j, x2);
        ST(c3 + j, x3);
    }
    for (; j < N; j++) {
        float s0 = init ? 0.0f : c0[j], s1 = init ? 0.0f : c1[j];
        float s2 = init ? 0.0f : c2[j], s3 = init ? 0.0f : c3[j];
        for (int t = 0; t < n; t++) {
            const float b = B[(size_t)ks[t] * N + j];
            const int o = offs[t];
            s0 += a0[o] * b;
            s1 += a1[o] * b;
            s2 += a2[o] * b;
            s3 += a3[o] * b;
        }
        c0[j] = s0;
        c1[j] = s1;
        c2[j] = s2;
        c3[j] = s3;
    }
}

/* where the window of output (b, oh, ow) starts in x */
static inline size_t window_at(const nn_patches *p, int b, int oh, int ow) {
    return (((size_t)b * p->H + (size_t)oh * p->sh) * p->W + (size_t)ow * p->sw) * p->C;
}

/* the windows in row order: (b, oh, ow) and where each starts in x */
typedef struct {
    int b, oh, ow;
} cursor;

static inline size_t next_window(cursor *q, const nn_patches *p) {
    const size_t at = window_at(p, q->b, q->oh, q->ow);
    if (++q->ow == p->OW) {
        q->ow = 0;
        if (++q->oh == p->OH) {
            q->oh = 0;
            q->b++;
        }
    }
    return at;
}

/* 1 when one of the n values is nonzero (−0 counts as zero) */
static inline int any_nonzero(const float *d, int n) {
    const v128_t mag = wasm_i32x4_splat(0x7fffffff);
    v128_t acc = wasm_i32x4_splat(0);
    int i = 0;
    for (; i + 4 <= n; i += 4)
        acc = wasm_v128_or(acc, LD(d + i));
    int any = wasm_v128_any_true(wasm_v128_and(acc, mag));
    for (; i < n; i++)
        any |= magnitude(d + i) != 0;
    return any;
}

/* Appends to (ks, offs) from n on the k of kernel row kh (first k kb, offset ob in a window),
 * t in [t0, t1), where one of the 4 windows a0..a3 is nonzero; returns the new count. 4 k at
 * a time: 4 consecutive values of each window, their OR, a bit per nonzero lane. */
static inline __attribute__((always_inline)) int
list_row(int *ks, int *offs, int n, const float *a0, const float *a1, const float *a2,
         const float *a3, int kb, int ob, int t0, int t1) {
    int t = t0;
    for (; t + 4 <= t1; t += 4) {
        const int o = ob + t, k = kb + t;
        const v128_t v = wasm_v128_or(wasm_v128_or(LD(a0 + o), LD(a1 + o)),
                                      wasm_v128_or(LD(a2 + o), LD(a3 + o)));
        const int bits = wasm_i32x4_bitmask(wasm_i32x4_ne(wasm_i32x4_shl(v, 1),
                                                          wasm_i32x4_splat(0)));
        ks[n] = k;
        offs[n] = o;
        n += bits & 1;
        ks[n] = k + 1;
        offs[n] = o + 1;
        n += (bits >> 1) & 1;
        ks[n] = k + 2;
        offs[n] = o + 2;
        n += (bits >> 2) & 1;
        ks[n] = k + 3;
        offs[n] = o + 3;
        n += bits >> 3;
    }
    for (; t < t1; t++) {
        const int o = ob + t;
        ks[n] = kb + t;
        offs[n] = o;
        n += (magnitude(a0 + o) | magnitude(a1 + o) | magnitude(a2 + o) | magnitude(a3 + o)) != 0;
    }
    return n;
}

/* the values of x (n) that are nonzero (−0 counts as zero) */
static size_t count_nonzero(const float *x, size_t n) {
    size_t c = 0, i = 0;
    while (i + 4 <= n) {    /* lanes count up to 2¹⁶ blocks of 4 at a time */
        const size_t end = n - i > ((size_t)1 << 18) ? i + ((size_t)1 << 18) : n;
        v128_t acc = wasm_i32x4_splat(0);
        for (; i + 4 <= end; i += 4)    /* a nonzero lane is −1 */
            acc = wasm_i32x4_sub(acc, wasm_i32x4_ne(wasm_i32x4_shl(LD(x + i), 1),
                                                    wasm_i32x4_splat(0)));
        c += (size_t)(uint32_t)wasm_i32x4_extract_lane(acc, 0) +
             (uint32_t)wasm_i32x4_extract_lane(acc, 1) +
             (uint32_t)wasm_i32x4_extract_lane(acc, 2) + (uint32_t)wasm_i32x4_extract_lane(acc, 3);
    }
    for (; i < n; i++)
        c += magnitude(x + i) != 0;
    return c;
}

/* c0..c3 (N) = Σ over every k of a_r[(kh·W + kw)·C + c]·Wm[k, :], kernel row by kernel row:
 * the tile without a list, for inputs with few zeros (a list costs more than it saves) */
static inline __attribute__((always_inline)) void
dtile4(int N, int KH, int S, int rs, const float *a0, const float *a1, const float *a2,
       const float *a3, const float *Wm, float *c0, float *c1, float *c2, float *c3) {
    const v128_t z = wasm_f32x4_splat(0.0f);
    int j = 0;
    for (; j + 8 <= N; j += 8) {
        v128_t x0 = z, y0 = z, x1 = z, y1 = z, x2 = z, y2 = z, x3 = z, y3 = z;
        const float *w = Wm + j;
        for (int kh = 0; kh < KH; kh++) {
            const int ob = kh * rs;
            const float *p0 = a0 + ob, *p1 = a1 + ob, *p2 = a2 + ob, *p3 = a3 + ob;
            for (int t = 0; t < S; t++, w += N) {
                const v128_t b0 = LD(w), b1 = LD(w + 4);
                v128_t s = wasm_v128_load32_splat(p0 + t);
                x0 = MADD(x0, s, b0);
                y0 = MADD(y0, s, b1);
                s = wasm_v128_load32_splat(p1 + t);
                x1 = MADD(x1, s, b0);
                y1 = MADD(y1, s, b1);
                s = wasm_v128_load32_splat(p2 + t);
                x2 = MADD(x2, s, b0);
                y2 = MADD(y2, s, b1);
                s = wasm_v128_load32_splat(p3 + t);
                x3 = MADD(x3, s, b0);
                y3 = MADD(y3, s, b1);
            }
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
        v128_t x0 = z, x1 = z, x2 = z, x3 = z;
        const float *w = Wm + j;
        for (int kh = 0; kh < KH; kh++) {
            const int ob = kh * rs;
            for (int t = 0; t < S; t++, w += N) {
                const v128_t b0 = LD(w);
                x0 = MADD(x0, wasm_v128_load32_splat(a0 + ob + t), b0);
                x1 = MADD(x1, wasm_v128_load32_splat(a1 + ob + t), b0);
                x2 = MADD(x2, wasm_v128_load32_splat(a2 + ob + t), b0);
                x3 = MADD(x3, wasm_v128_load32_splat(a3 + ob + t), b0);
            }
        }
        ST(c0 + j, x0);
        ST(c1 + j, x1);
        ST(c2 + j, x2);
        ST(c3 + j, x3);
    }
    for (; j < N; j++) {
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        const float *w = Wm + j;
        for (int kh = 0; kh < KH; kh++)
            for (int t = 0; t < S; t++, w += N) {
                const int o = kh * rs + t;
                s0 += a0[o] * *w;
                s1 += a1[o] * *w;
                s2 += a2[o] * *w;
                s3 += a3[o] * *w;
            }
        c0[j] = s0;
        c1[j] = s1;
        c2[j] = s2;
        c3[j] = s3;
    }
}

/* y (M, N) = P·Wm + bias, 4 windows at a time, over every k (dtile4), or over a list of the k
 * where one of the 4 windows is nonzero, with their offsets in a window, kernel row by kernel
 * row, up to K_CHUNK of them per pass of the tile (ptile4). Building the list costs about half
 * the products of a k for 8 columns, so it pays only for inputs with very few nonzeros and
 * many columns: measured in Node, with 16 columns from 7/8 zeros on (the MNIST recipe's
 * first layer, 81% zeros and 8 columns, runs 1.5x faster without). Same bits either way. */
void nn_patch_gemm(float *y, const float *x, const nn_patches *p, const float *Wm,
                   const float *bias, int N) {
    const int S = p->KW * p->C, rs = p->W * p->C;
    const int M = p->B * p->OH * p->OW;
    int ks[K_CHUNK], offs[K_CHUNK];
    cursor q = {0, 0, 0};
    int m = 0;
    /* lists for at least 16 columns and inputs 7/8 zero or more (see above) */
    const size_t X = (size_t)p->B * p->H * p->W * p->C;
    const int dense = N < 16 || count_nonzero(x, X) * 8 > X;
    for (; m + 4 <= M; m += 4) {
        const float *a0 = x + next_window(&q, p), *a1 = x + next_window(&q, p);
        const float *a2 = x + next_window(&q, p), *a3 = x + next_window(&q, p);
        float *c0 = y + (size_t)m * N, *c1 = c0 + N, *c2 = c1 + N, *c3 = c2 + N;
        if (dense) {
            dtile4(N, p->KH, S, rs, a0, a1, a2, a3, Wm, c0, c1, c2, c3);
            if (bias)
                nn_add_row(c0, bias, 4, N);
            continue;
        }
        int n = 0, listed = 0, first = 1;
        for (int kh = 0; kh < p->KH; kh++)
            for (int t0 = 0; t0 < S; t0 += K_CHUNK) {
                const int t1 = S - t0 < K_CHUNK ? S : t0 + K_CHUNK;
                if (listed + (t1 - t0) > K_CHUNK) {     /* the list is full: run the tile */
                    ptile4(N, n, ks, offs, a0, a1, a2, a3, Wm, c0, c1, c2, c3, first);
                    first = 0;
                    n = listed = 0;
                }
                n = list_row(ks, offs, n, a0, a1, a2, a3, kh * S, kh * rs, t0, t1);
                listed += t1 - t0;
            }
        ptile4(N, n, ks, offs, a0, a1, a2, a3, Wm, c0, c1, c2, c3, first);
        if (bias)
            nn_add_row(c0, bias, 4, N);
    }
    for (; m < M; m++) {        /* the last windows, one at a time */
        const float *a = x + next_window(&q, p);
        float *c = y + (size_t)m * N;
        int j = 0;
        for (; j + 4 <= N; j += 4) {
            v128_t acc = wasm_f32x4_splat(0.0f);
            const float *w = Wm + j;
            for (int kh = 0; kh < p->KH; kh++)
                for (int t = 0; t < S; t++, w += N)
                    acc = MADD(acc, wasm_v128_load32_splat(a + kh * rs + t), LD(w));
            ST(c + j, acc);
        }
        for (; j < N; j++) {
            float s = 0.0f;
            const float *w = Wm + j;
            for (int kh = 0; kh < p->KH; kh++)
                for (int t = 0; t < S; t++, w += N)
                    s += a[kh * rs + t] * *w;
            c[j] = s;
        }
        if (bias)
            nn_add_row(c, bias, 1, N);
    }
}

/* dW (K, N) += Pᵀ·dy, a column j of dW at a time, with the vectors along k: a window's values
 * for 4 consecutive k of one kernel row are 4 consecutive floats of x. dy is mostly zeros
 * (ReLU's, and the max pool's, which passes one gradient of four), so per column only the
 * windows whose dy is nonzero are listed, with that dy, and each adds splat(dy)·x[4 k] to up
 * to 8 vectors of dW[k, j] (gathered from dW and scattered back), the k of a kernel row past
 * its last 4 as single values. The windows go in chunks of K_CHUNK, in order, so each element
 * still sums its terms in increasing m. */
static inline __attribute__((always_inline)) void
dw_vectors(int NV, const int *o, float *const *c, int N, int n, const float *d, const int *at,
           const float *x) {
    v128_t acc[8];
    for (int v = 0; v < NV; v++) {
        const float *e = c[v];
        acc[v] = wasm_f32x4_make(e[0], e[N], e[2 * N], e[3 * N]);
    }
    for (int i = 0; i < n; i++) {
        const v128_t s = wasm_f32x4_splat(d[i]);
        const float *a = x + at[i];
        for (int v = 0; v < NV; v++)
            acc[v] = MADD(acc[v], s, LD(a + o[v]));
    }
    for (int v = 0; v < NV; v++) {
        float *e = c[v];
        e[0] = wasm_f32x4_extract_lane(acc[v], 0);
        e[N] = wasm_f32x4_extract_lane(acc[v], 1);
        e[2 * N] = wasm_f32x4_extract_lane(acc[v], 2);
        e[3 * N] = wasm_f32x4_extract_lane(acc[v], 3);
    }
}

static inline __attribute__((always_inline)) void
dw_singles(int NS, const int *o, float *const *c, int n, const float *d, const int *at,
           const float *x) {
    float acc[8];
    for (int v = 0; v < NS; v++)
        acc[v] = *c[v];
    for (int i = 0; i < n; i++) {
        const float *a = x + at[i];
        for (int v = 0; v < NS; v++)
            acc[v] += a[o[v]] * d[i];
    }
    for (int v = 0; v < NS; v++)
        *c[v] = acc[v];
}

/* dW[:, j] += the listed windows' x[at + o] (k by the groups above) times their dy */
static void dw_column(float *dW, int j, int N, int n, const float *d, const int *at,
                      const float *x, const nn_patches *p) {
    const int S = p->KW * p->C, rs = p->W * p->C, S4 = S - S % 4;
    /* groups of up to 8 vectors of 4 k (kernel row kh, t .. t + 3) */
    int o[8], g = 0;
    float *c[8];
    for (int kh = 0; kh < p->KH; kh++)
        for (int t = 0; t < S4; t += 4) {
            o[g] = kh * rs + t;
            c[g] = dW + ((size_t)kh * S + (size_t)t) * N + j;
            if (++g == 8) {
                dw_vectors(8, o, c, N, n, d, at, x);
                g = 0;
            }
        }
    for (; g >= 4; g -= 4)
        dw_vectors(4, o + g - 4, c + g - 4, N, n, d, at, x);
    for (; g > 0; g--)
        dw_vectors(1, o + g - 1, c + g - 1, N, n, d, at, x);
    /* then the single k past the last 4 of each kernel row, 8 at a time */
    for (int kh = 0; kh < p->KH; kh++)
        for (int t = S4; t < S; t++) {
            o[g] = kh * rs + t;
            c[g] = dW + ((size_t)kh * S + (size_t)t) * N + j;
            if (++g == 8) {
                dw_singles(8, o, c, n, d, at, x);
                g = 0;
            }
        }
    for (; g >= 4; g -= 4)
        dw_singles(4, o + g - 4, c + g - 4, n, d, at, x);
    for (; g > 0; g--)
        dw_singles(1, o + g - 1, c + g - 1, n, d, at, x);
}

void nn_patch_gemm_tn(float *dW, float *db, const float *x, const nn_patches *p,
                      const float *dy, int N) {
    const int M = p->B * p->OH * p->OW;
    int base[K_CHUNK], at[K_CHUNK];
    float d[K_CHUNK];
    cursor q = {0, 0, 0};
    for (int m0 = 0; m0 < M; m0 += K_CHUNK) {
        const int R = M - m0 < K_CHUNK ? M - m0 : K_CHUNK;
        for (int i = 0; i < R; i++)
            base[i] = (int)next_window(&q, p);
        for (int j = 0; j < N; j++) {
            /* the windows whose dy is nonzero in column j (−0 counts as zero), in order */
            const float *dj = dy + (size_t)m0 * N + j;
            int n = 0;
            for (int i = 0; i < R; i++) {
                const float v = dj[(size_t)i * N];
                d[n] = v;
                at[n] = base[i];
                n += magnitude(dj + (size_t)i * N) != 0;
            }
            if (n == 0)
                continue;
            if (db) {           /* the listed values are the nonzero ones, in order */
                float sum = db[j];
                for (int i = 0; i < n; i++)
                    sum += d[i];
                db[j] = sum;
            }
            dw_column(dW, j, N, n, d, at, x, p);
        }
    }
}

/* img (Hd, Wd, C) += the patch row (KH, KW, C) of the window at (h0, w0), what falls inside */
static void add_patch(float *img, const float *row, int h0, int w0, int Hd, int Wd,
                      const nn_patches *p) {
    const int C = p->C, kw0 = w0 < 0 ? -w0 : 0, kw1 = w0 + p->KW > Wd ? Wd - w0 : p->KW;
    if (kw1 <= kw0)
        return;
    const int n = (kw1 - kw0) * C;
    for (int kh = 0; kh < p->KH; kh++) {
        const int h = h0 + kh;
        if (h < 0 || h >= Hd)
            continue;
        float *t = img + ((size_t)h * Wd + (size_t)(w0 + kw0)) * C;
        const float *s = row + ((size_t)kh * p->KW + (size_t)kw0) * C;
        int i = 0;
        for (; i + 4 <= n; i += 4)
            ST(t + i, wasm_f32x4_add(LD(t + i), LD(s + i)));
        for (; i < n; i++)
            t[i] += s[i];
    }
}

/* dx = col2im(dy·Wt) a row m of dy at a time: the n where dy[m, n] is nonzero listed (most
 * are zero: ReLU, max pool), then the row's product with Wt, Σ over the listed n of
 * splat(dy)·Wt[n, 4 k], up to 8 vectors of k at a time, added straight into dx where the
 * window covers it (within one row m every k lands on a different input, and rows go in
 * order). A row with no nonzero dy adds nothing: its product is +0, which changes no sum that
 * started at +0. Up to K_CHUNK values of n; with more (rare), a row goes through scratch
 * and the GEMM above. (Blocks of 12 vectors ran faster in isolation but slowed the whole
 * epoch by 8% in Node, so 8 it stays.) */
static inline __attribute__((always_inline)) void
dx_block(int NV, float *row, int at, int lo, int hi, int n, const float *d, const int *js,
         const float *Wt, size_t K) {
    v128_t acc[8];
    for (int v = 0; v < NV; v++)
        acc[v] = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < n; i++) {
        const v128_t s = wasm_f32x4_splat(d[i]);
        const float *w = Wt + (size_t)js[i] * K;
        for (int v = 0; v < NV; v++)
            acc[v] = MADD(acc[v], s, LD(w + 4 * v));
    }
    /* row[at + e] += acc[e] for e in [0, 4·NV) where at + e is in [lo, hi) */
    if (at >= lo && at + 4 * NV <= hi) {
        for (int v = 0; v < NV; v++)
            ST(row + at + 4 * v, wasm_f32x4_add(LD(row + at + 4 * v), acc[v]));
        return;
    }
    float r[32];
    for (int v = 0; v < NV; v++)
        ST(r + 4 * v, acc[v]);
    for (int e = 0; e < 4 * NV; e++)
        if (at + e >= lo && at + e < hi)
            row[at + e] += r[e];
}

void nn_patch_col2im(float *dx, int Hd, int Wd, int pad_top, int pad_left, const nn_patches *p,
                     const float *dy, const float *Wt, int N, float *scratch) {
    const int C = p->C, S = p->KW * C, M = p->B * p->OH * p->OW;
    const size_t K = (size_t)p->KH * S, img = (size_t)Hd * Wd * C;
    memset(dx, 0, (size_t)p->B * img * sizeof *dx);
    int js[K_CHUNK];
    float d[K_CHUNK];
    cursor q = {0, 0, 0};
    for (int m = 0; m < M; m++) {
        const cursor w = q;
        next_window(&q, p);
        const float *dm = dy + (size_t)m * N;
        float *xb = dx + (size_t)w.b * img;
        const int h0 = w.oh * p->sh - pad_top, w0 = w.ow * p->sw - pad_left;
        if (N > K_CHUNK) {
            if (any_nonzero(dm, N)) {
                memset(scratch, 0, K * sizeof *scratch);
                gemm_rows(1, (int)K, N, dm, (size_t)N, 1, Wt, scratch);
                add_patch(xb, scratch, h0, w0, Hd, Wd, p);
            }
            continue;
        }
        int n = 0;
        for (int j = 0; j < N; j++) {
            d[n] = dm[j];
            js[n] = j;
            n += magnitude(dm + j) != 0;
        }
        if (n == 0)
            continue;
        /* the window's row in dx starts at column w0 (before the row with padding): its
         * values at [lo, hi) of the S of a kernel row are inside */
        const int at = w0 * C, lo = (w0 < 0 ? -w0 : 0) * C;
        const int hi = (w0 + p->KW > Wd ? Wd - w0 : p->KW) * C;
        for (int kh = 0; kh < p->KH; kh++) {
            const int h = h0 + kh;
            if (h < 0 || h >= Hd)
                continue;
            float *row = xb + (size_t)h * Wd * C;
            const float *wk = Wt + (size_t)kh * S;
            int t = 0;
            for (; t + 32 <= S; t += 32)
                dx_block(8, row, at + t, at + lo, at + hi, n, d, js, wk + t, K);
            if (t + 16 <= S) {
                dx_block(4, row, at + t, at + lo, at + hi, n, d, js, wk + t, K);
                t += 16;
            }
            if (t + 8 <= S) {
                dx_block(2, row, at + t, at + lo, at + hi, n, d, js, wk + t, K);
                t += 8;
            }
            if (t + 4 <= S) {
                dx_block(1, row, at + t, at + lo, at + hi, n, d, js, wk + t, K);
                t += 4;
            }
            for (; t < hi; t++) {       /* the k past the last 4 of the kernel row */
                if (t < lo)
                    continue;
                float e = 0.0f;
                for (int i = 0; i < n; i++)
                    e += d[i] * wk[(size_t)js[i] * K + (size_t)t];
                row[at + t] += e;
            }
        }
    }
}

/* ---- pooling (kernels.h) ------------------------------------------------------------------
 * 4 channels at a time with compares and selects, the rule of the scalar loop lane by lane:
 * v replaces the maximum m when v > m, or when v is NaN and m is not. */
void nn_max_window(float *y, int32_t *arg, const float *x, int h0, int h1, int w0, int w1,
                   int W, int C) {
    const int32_t first = (h0 * W + w0) * C;
    const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
    int c = 0;
    for (; c + 4 <= C; c += 4) {
        v128_t m = LD(x + first + c), a = wasm_i32x4_add(wasm_i32x4_splat(first + c), lanes);
        for (int h = h0; h < h1; h++)
            for (int w = h == h0 ? w0 + 1 : w0; w < w1; w++) {
                const int32_t at = (h * W + w) * C + c;
                const v128_t v = LD(x + at);
                const v128_t nan = wasm_v128_andnot(wasm_f32x4_ne(v, v), wasm_f32x4_ne(m, m));
                const v128_t better = wasm_v128_or(wasm_f32x4_gt(v, m), nan);
                m = wasm_v128_bitselect(v, m, better);
                a = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), lanes), a, better);
            }
        ST(y + c, m);
        wasm_v128_store(arg + c, a);
    }
    for (; c < C; c++) {
        float m = x[first + c];
        int32_t a = first + c;
        for (int h = h0; h < h1; h++)
            for (int w = h == h0 ? w0 + 1 : w0; w < w1; w++) {
                const int32_t at = (h * W + w) * C + c;
                const float v = x[at];
                if (v > m || (v != v && m == m)) {
                    m = v;
                    a = at;
                }
            }
        y[c] = m;
        arg[c] = a;
    }
}
