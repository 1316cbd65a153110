/* kernels_scalar.c — reference kernels: plain loops in an order that suits row-major data. */
#include "kernels.h"

#include <string.h>

/* C = [C +] op(A)·op(B); two loop orders keep the inner loop on contiguous memory */
void nn_gemm(int ta, int tb, int M, int N, int K, const float *A, const float *B, float *C,
             int acc) {
    if (!acc)
        memset(C, 0, (size_t)M * (size_t)N * sizeof *C);
    if (!ta && !tb) {           /* C[i,:] += A[i,k]·B[k,:] */
        for (int i = 0; i < M; i++) {
            float *c = C + (size_t)i * N;
            const float *a = A + (size_t)i * K;
            for (int k = 0; k < K; k++) {
                const float aik = a[k];
                const float *b = B + (size_t)k * N;
                for (int j = 0; j < N; j++)
                    c[j] += aik * b[j];
            }
        }
    } else if (ta && !tb) {     /* A is (K, M): C[i,:] += A[k,i]·B[k,:] */
        for (int i = 0; i < M; i++) {
            float *c = C + (size_t)i * N;
            for (int k = 0; k < K; k++) {
                const float aki = A[(size_t)k * M + i];
                const float *b = B + (size_t)k * N;
                for (int j = 0; j < N; j++)
                    c[j] += aki * b[j];
            }
        }
    } else {                    /* B is (N, K): dot products, shared with the SIMD build */
        nn_gemm_dots(ta, M, N, K, A, B, C);
    }
}

void nn_add_row(float *y, const float *b, int M, int N) {
    for (int i = 0; i < M; i++) {
        float *r = y + (size_t)i * N;
        for (int j = 0; j < N; j++)
            r[j] += b[j];
    }
}

void nn_sum_rows(float *s, const float *x, int M, int N) {
    for (int i = 0; i < M; i++) {
        const float *r = x + (size_t)i * N;
        for (int j = 0; j < N; j++)
            s[j] += r[j];
    }
}

void nn_mul(float *y, const float *m, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] *= m[i];
}


void nn_axpy(float *y, float a, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

void nn_scale(float *x, float a, size_t n) {
    for (size_t i = 0; i < n; i++)
        x[i] *= a;
}


/* x·0 is 0 for finite x and NaN for ±inf or NaN, and a NaN stays NaN through the sum */
int nn_all_finite(const float *x, size_t n) {
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++)
        acc += x[i] * 0.0f;
    return acc == 0.0f;
}

void nn_bytes_to_floats(float *dst, const uint8_t *src, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = (float)src[i] / 255.0f;
}

/* ---- convolution GEMMs on patches (kernels.h) --------------------------------------------- */

/* where the window of output (b, oh, ow) starts in x */
static size_t window_at(const nn_patches *p, int b, int oh, int ow) {
    return (((size_t)b * p->H + (size_t)oh * p->sh) * p->W + (size_t)ow * p->sw) * p->C;
}

/* y[m, :] = Σ_k P[m, k]·Wm[k, :] from +0 in increasing k, then + bias: nn_gemm's NN loop on
 * the written-out P, and nn_add_row */
void nn_patch_gemm(float *y, const float *x, const nn_patches *p, const float *Wm,
                   const float *bias, int N) {
    const size_t S = (size_t)p->KW * p->C, rs = (size_t)p->W * p->C;
    float *c = y;
    for (int b = 0; b < p->B; b++)
        for (int oh = 0; oh < p->OH; oh++)
            for (int ow = 0; ow < p->OW; ow++, c += N) {
                const float *a = x + window_at(p, b, oh, ow), *w = Wm;
                for (int j = 0; j < N; j++)
                    c[j] = 0.0f;
                for (int kh = 0; kh < p->KH; kh++, a += rs)
                    for (size_t t = 0; t < S; t++, w += N) {
                        const float v = a[t];
                        for (int j = 0; j < N; j++)
                            c[j] += v * w[j];
                    }
                if (bias)
                    for (int j = 0; j < N; j++)
                        c[j] += bias[j];
            }
}

/* dW[k, :] += P[m, k]·dy[m, :] over m in order, k by k: nn_gemm's TN loop; db likewise */
void nn_patch_gemm_tn(float *dW, float *db, const float *x, const nn_patches *p,
                      const float *dy, int N) {
    const size_t S = (size_t)p->KW * p->C, rs = (size_t)p->W * p->C;
    float *c = dW;
    for (int kh = 0; kh < p->KH; kh++)
        for (size_t t = 0; t < S; t++, c += N) {
            const size_t off = (size_t)kh * rs + t;
            const float *d = dy;
            for (int b = 0; b < p->B; b++)
                for (int oh = 0; oh < p->OH; oh++)
                    for (int ow = 0; ow < p->OW; ow++, d += N) {
                        const float v = x[window_at(p, b, oh, ow) + off];
                        for (int j = 0; j < N; j++)
                            c[j] += v * d[j];
                    }
        }
    if (db)
        nn_sum_rows(db, dy, p->B * p->OH * p->OW, N);
}

/* img (Hd, Wd, C) += the patch row (KH, KW, C) of the window at (h0, w0), what falls inside */
static void add_patch(float *img, const float *row, int h0, int w0, int Hd, int Wd,
                      const nn_patches *p) {
    const int C = p->C, kw0 = w0 < 0 ? -w0 : 0, kw1 = w0 + p->KW > Wd ? Wd - w0 : p->KW;
    if (kw1 <= kw0)
        return;
    const size_t n = (size_t)(kw1 - kw0) * C;
    for (int kh = 0; kh < p->KH; kh++) {
        const int h = h0 + kh;
        if (h < 0 || h >= Hd)
            continue;
        float *t = img + ((size_t)h * Wd + (size_t)(w0 + kw0)) * C;
        const float *s = row + ((size_t)kh * p->KW + (size_t)kw0) * C;
        for (size_t i = 0; i < n; i++)
            t[i] += s[i];
    }
}

/* row by row: r = dy[m, :]·Wt (nn_gemm's NN loop), then r added into dx (nn_col2im) */
void nn_patch_col2im(float *dx, int Hd, int Wd, int pad_top, int pad_left, const nn_patches *p,
                     const float *dy, const float *Wt, int N, float *scratch) {
    const size_t K = (size_t)p->KH * p->KW * p->C, img = (size_t)Hd * Wd * p->C;
    memset(dx, 0, (size_t)p->B * img * sizeof *dx);
    const float *d = dy;
    for (int b = 0; b < p->B; b++)
        for (int oh = 0; oh < p->OH; oh++)
            for (int ow = 0; ow < p->OW; ow++, d += N) {
                for (size_t k = 0; k < K; k++)
                    scratch[k] = 0.0f;
                for (int n = 0; n < N; n++) {
                    const float a = d[n], *w = Wt + (size_t)n * K;
                    for (size_t k = 0; k < K; k++)
                        scratch[k] += a * w[k];
                }
                add_patch(dx + (size_t)b * img, scratch, oh * p->sh - pad_top,
                          ow * p->sw - pad_left, Hd, Wd, p);
            }
}

/* ---- pooling (kernels.h) ------------------------------------------------------------------ */

void nn_max_window(float *y, int32_t *arg, const float *x, int h0, int h1, int w0, int w1,
                   int W, int C) {
    const int32_t first = (h0 * W + w0) * C;
    for (int c = 0; c < C; c++) {
        y[c] = x[first + c];
        arg[c] = first + c;
    }
    for (int h = h0; h < h1; h++)
        for (int w = h == h0 ? w0 + 1 : w0; w < w1; w++) {
            const int32_t at = (h * W + w) * C;
            for (int c = 0; c < C; c++) {
                const float v = x[at + c], m = y[c];
                if (v > m || (v != v && m == m)) {
                    y[c] = v;
                    arg[c] = at + c;
                }
            }
        }
}
