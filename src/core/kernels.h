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

#endif /* NN_KERNELS_H */
