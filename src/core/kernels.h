/*
 * kernels.h — the numeric kernels every layer, loss and optimizer calls: one signature each.
 * kernels_scalar.c holds the reference bodies (plain loops, the truth for tests);
 * kernels_simd128.c the same names with wasm SIMD; kernels_common.c the few both share.
 * Row-major f32; M, N, K as in C (M, N) = A (M, K) · B (K, N).
 */
#ifndef NN_KERNELS_H
#define NN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* C (M, N) = [C +] op(A) · op(B), where op(A) is (M, K) and op(B) is (K, N).
 * ta: A is stored transposed, as (K, M).  tb: B is stored transposed, as (N, K).
 * acc: add into C instead of overwriting it. Each C element sums over k in increasing order,
 * so a row's result does not depend on how many rows are computed with it. */
void nn_gemm(int ta, int tb, int M, int N, int K, const float *A, const float *B, float *C,
             int acc);

/* C (M, N) += op(A)·Bᵀ for B stored (N, K), each dot product summed before it is added; the
 * tb form of nn_gemm (kernels_common.c) */
void nn_gemm_dots(int ta, int M, int N, int K, const float *A, const float *B, float *C);

/* y (M, N) += b (N) on every row */
void nn_add_row(float *y, const float *b, int M, int N);

/* s (N) += column sums of x (M, N) */
void nn_sum_rows(float *s, const float *x, int M, int N);

/* y (n) *= m (n), elementwise */
void nn_mul(float *y, const float *m, size_t n);

/* Σ x² over n values, accumulated in double */
double nn_sumsq(const float *x, size_t n);

/* y (n) += a·x (n) */
void nn_axpy(float *y, float a, const float *x, size_t n);

/* x (n) *= a */
void nn_scale(float *x, float a, size_t n);

/* dst (cols, rows) = srcᵀ for src (rows, cols) */
void nn_transpose(float *dst, const float *src, int rows, int cols);

/* 1 when every one of the n values is finite */
int nn_all_finite(const float *x, size_t n);

/* dst (n) = src/255, each value as (float)byte / 255.0f */
void nn_bytes_to_floats(float *dst, const uint8_t *src, size_t n);

/* ---- convolution GEMMs on the patches of images (conv.c) ----------------------------------
 * The patch matrix P (M, K) of B images x (B, H, W, C), NHWC, under a KH×KW window moved by
 * strides (sh, sw): row m = (b·OH + oh)·OW + ow, column k = (kh·KW + kw)·C + c,
 *     P[m, k] = x[((b·H + oh·sh + kh)·W + ow·sw + kw)·C + c],   M = B·OH·OW, K = KH·KW·C,
 * the matrix conv.c's im2col writes out (every window inside x: a padded input is padded by
 * the caller). These kernels read P from x as they go instead, and sum every element in the
 * order nn_gemm sums it on the written-out matrix, so they give the same bits. */
typedef struct {
    int B, H, W, C;         /* the input batch                                                 */
    int KH, KW, sh, sw;     /* window and strides                                              */
    int OH, OW;             /* windows per column and row: (H − KH)/sh + 1, (W − KW)/sw + 1    */
} nn_patches;

/* y (M, N) = P·Wm + bias: Wm (K, N); bias (N), added after the sum, or NULL */
void nn_patch_gemm(float *y, const float *x, const nn_patches *p, const float *Wm,
                   const float *bias, int N);

/* dW (K, N) += Pᵀ·dy for dy (M, N), each element adding its terms in increasing m; db (N) +=
 * the column sums of dy, in the same order, unless db is NULL */
void nn_patch_gemm_tn(float *dW, float *db, const float *x, const nn_patches *p,
                      const float *dy, int N);

/* dx (B, H', W', C) = col2im(dy·Wt): row m of dy (M, N)·Wt (N, K), each element summed over n
 * in order from +0, added to the inputs its window covers, rows in increasing m; overwrites dx.
 * dx may be smaller than the patches' input: it starts pad_top rows and pad_left columns into
 * it and is H' × W' (positions outside it, the padding, are dropped). scratch holds K
 * floats. */
void nn_patch_col2im(float *dx, int Hd, int Wd, int pad_top, int pad_left, const nn_patches *p,
                     const float *dy, const float *Wt, int N, float *scratch);

/* ---- pooling (pool.c) --------------------------------------------------------------------- */

/* The maximum of each of C channels over the window rows [h0, h1) × columns [w0, w1) of an
 * image x (H, W, C) whose rows are W·C floats: y (C) = the first maximum in row-major window
 * order (> decides, so −0 and +0 tie; a NaN wins over every number, the first NaN of several)
 * and arg (C) its index (h·W + w)·C + c. */
void nn_max_window(float *y, int32_t *arg, const float *x, int h0, int h1, int w0, int w1,
                   int W, int C);

#endif /* NN_KERNELS_H */
