/*
 * layers.c — the dense layer and dropout.
 * Sizes: B batch rows, I inputs, O outputs. Backward accumulates (+=) into the gradient
 * buffers dW and db, which the network zeroes once per step, and overwrites d_in.
 */
#include "kernels.h"
#include "nn_internal.h"

/* z = in·W + b.  in is (B, I), W is (I, O), b is (O), z is (B, O) */
void nn_dense_forward(float *z, const float *in, const float *W, const float *b, int B, int I,
                      int O) {
    nn_gemm(0, 0, B, O, I, in, W, z, 0);
    nn_add_row(z, b, B, O);
}

/* dW += inᵀ·dz; db += Σ_rows dz; d_in = dz·Wᵀ.  dz is (B, O), d_in is (B, I) or NULL;
 * wt (O, I) is scratch for Wᵀ, so the product runs in the GEMM's fast untransposed form */
void nn_dense_backward(float *d_in, float *dW, float *db, float *wt, const float *dz,
                       const float *in, const float *W, int B, int I, int O) {
    nn_gemm(1, 0, I, O, B, in, dz, dW, 1);
    nn_sum_rows(db, dz, B, O);
    if (d_in) {
        nn_transpose(wt, W, I, O);
        nn_gemm(0, 0, B, I, O, dz, wt, d_in, 0);
    }
}

/* a = h·mask, mask = 0 with probability rate, else 1/(1 − rate) (inverted dropout: the
 * expected activation is unchanged, so inference needs no rescaling) */
void nn_dropout_forward(float *a, float *mask, const float *h, size_t n, float rate, nn_rng *rng) {
    const float keep = 1.0f / (1.0f - rate);
    /* compare 32-bit integers: keep a unit when u ≥ rate·2³² */
    const double cut = (double)rate * 4294967296.0;
    for (size_t i = 0; i < n; i++) {
        mask[i] = (double)nn_rng_u32(rng) < cut ? 0.0f : keep;
        a[i] = h[i] * mask[i];
    }
}
