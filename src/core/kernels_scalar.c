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
