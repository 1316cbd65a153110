/* kernels_common.c — the kernels whose plain loop is already the whole story, shared by the
 * scalar and the SIMD builds: a transpose (a copy), a sum of squares that must stay in double
 * and in index order because it decides clipping, and the GEMM form with B transposed, whose
 * dot products are summed before they are added to C (training no longer uses it: layers.c
 * transposes W and takes the fast form). */
#include "kernels.h"

void nn_transpose(float *dst, const float *src, int rows, int cols) {
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[(size_t)c * rows + r] = src[(size_t)r * cols + c];
}

double nn_sumsq(const float *x, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * (double)x[i];
    return s;
}

/* C (M, N) += op(A)·Bᵀ for B stored (N, K): C[i,j] += Σ_k a(i, k)·B[j,k], each dot product
 * summed over k in order first; a(i, k) = A[k·M + i] when ta, else A[i·K + k] */
void nn_gemm_dots(int ta, int M, int N, int K, const float *A, const float *B, float *C) {
    for (int i = 0; i < M; i++) {
        float *c = C + (size_t)i * N;
        for (int j = 0; j < N; j++) {
            const float *b = B + (size_t)j * K;
            float s = 0.0f;
            for (int k = 0; k < K; k++)
                s += (ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k]) * b[k];
            c[j] += s;
        }
    }
}
