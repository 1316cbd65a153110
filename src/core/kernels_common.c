/* kernels_common.c — the kernels whose plain loop is already the whole story, shared by the
 * scalar and the SIMD builds: a transpose (a copy), and a sum of squares that must stay in
 * double and in index order because it decides clipping. */
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
