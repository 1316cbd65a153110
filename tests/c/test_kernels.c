/*
 * test_kernels.c — the GEMM in all four transpose forms and the small vector kernels against
 * naive double-precision loops, on odd sizes so every tail runs.
 */
#include "check.h"
#include "kernels.h"
#include "nn_internal.h"

#include <stdlib.h>

/* f32 sums of up to 784 products of values in [−1, 1]: rounding stays below 1e-4 relative to
 * the sum of |products|, which we use as the scale */
#define GEMM_TOL 1e-5

static void fill(float *v, size_t n, nn_rng *r) {
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(2.0 * nn_rng_uniform(r) - 1.0);
}

/* A with a share of zeros, as images and ReLU outputs have (the SIMD GEMM then skips them),
 * a third of them −0 */
static void sparsify(float *v, size_t n, double zeros, nn_rng *r) {
    for (size_t i = 0; i < n; i++) {
        const double u = nn_rng_uniform(r);
        if (u < zeros)
            v[i] = u < zeros / 3 ? -0.0f : 0.0f;
    }
}

static void check_gemm_z(int ta, int tb, int M, int N, int K, int acc, double zeros, nn_rng *r) {
    float *A = malloc((size_t)M * K * sizeof(float)), *B = malloc((size_t)K * N * sizeof(float));
    float *C = malloc((size_t)M * N * sizeof(float)), *C0 = malloc((size_t)M * N * sizeof(float));
    fill(A, (size_t)M * K, r);
    sparsify(A, (size_t)M * K, zeros, r);
    fill(B, (size_t)K * N, r);
    fill(C0, (size_t)M * N, r);
    memcpy(C, C0, (size_t)M * N * sizeof(float));
    nn_gemm(ta, tb, M, N, K, A, B, C, acc);
    /* every build (scalar loops, SIMD tiles) sums each element in the same f32 order as this
     * plain loop — k increasing, multiply then add; dot products (tb) summed before adding —
     * so its results must be identical to the bit */
    int exact = 1;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float c = acc ? C0[(size_t)i * N + j] : 0.0f, s = 0.0f;
            for (int k = 0; k < K; k++) {
                const float a = ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k];
                const float b = tb ? B[(size_t)j * K + k] : B[(size_t)k * N + j];
                if (tb)
                    s += a * b;
                else
                    c += a * b;
            }
            if (tb)
                c += s;
            exact &= memcmp(&c, &C[(size_t)i * N + j], sizeof c) == 0;
        }
    if (!exact)
        printf("  gemm ta %d tb %d M %d N %d K %d acc %d zeros %g: not bit-identical to the "
               "plain loop\n", ta, tb, M, N, K, acc, zeros);
    CHECK(exact);
    double worst = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = acc ? C0[(size_t)i * N + j] : 0.0, mag = fabs(s);
            for (int k = 0; k < K; k++) {
                const double a = ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k];
                const double b = tb ? B[(size_t)j * K + k] : B[(size_t)k * N + j];
                s += a * b;
                mag += fabs(a * b);
            }
            worst = fmax(worst, fabs(C[(size_t)i * N + j] - s) / fmax(mag, 1.0));
        }
    if (!(worst < GEMM_TOL))
        printf("  gemm ta %d tb %d M %d N %d K %d acc %d: worst %g\n", ta, tb, M, N, K, acc,
               worst);
    CHECK(worst < GEMM_TOL);
    free(A);
    free(B);
    free(C);
    free(C0);
}

static void check_gemm(int ta, int tb, int M, int N, int K, int acc, nn_rng *r) {
    check_gemm_z(ta, tb, M, N, K, acc, 0.0, r);
}

static void test_gemm(void) {
    const int sizes[] = {1, 3, 5, 8, 17, 33, 100};
    nn_rng r;
    nn_rng_seed(&r, 1, 3);
    for (int t = 0; t < 4; t++)
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                for (int c = 0; c < 6; c += 2)
                    check_gemm(t & 1, t >> 1, sizes[a], sizes[b], sizes[c], (a + b) & 1, &r);
    check_gemm(0, 0, 100, 30, 784, 0, &r);  /* the MNIST shapes */
    check_gemm(1, 0, 784, 30, 100, 1, &r);
    check_gemm(0, 1, 100, 784, 30, 0, &r);
    /* sparse A, as MNIST images (81% zeros) and ReLU outputs: every size again, chunks of k
     * (K = 300 > 256), 32-column blocks with tails (N = 71), rows that are all zeros */
    const double shares[] = {0.5, 0.8, 1.0};
    for (int z = 0; z < 3; z++)
        for (int t = 0; t < 4; t++)
            for (int a = 0; a < 7; a++)
                for (int b = 0; b < 7; b += 2)
                    check_gemm_z(t & 1, t >> 1, sizes[a], sizes[b], 300, a & 1, shares[z], &r);
    check_gemm_z(0, 0, 100, 71, 784, 0, 0.81, &r);
    check_gemm_z(1, 0, 784, 71, 100, 1, 0.81, &r);
    check_gemm_z(0, 0, 13, 100, 784, 1, 0.6, &r);
}

static void test_vectors(void) {
    float y[7] = {1, 2, 3, 4, 5, 6, 7}, x[7] = {1, -1, 2, -2, 0.5f, 0, 3};
    nn_axpy(y, 2.0f, x, 7);                     /* y += 2x */
    const float want[7] = {3, 0, 7, 0, 6, 6, 13};
    CHECK(memcmp(y, want, sizeof y) == 0);
    nn_scale(y, 0.5f, 7);
    CHECK_NEAR(y[6], 6.5, 0);
    nn_mul(y, x, 7);                            /* (1.5, 0, 7, 0, 1.5, 0, 19.5) */
    CHECK_NEAR(y[0], 1.5, 0);
    CHECK_NEAR(y[6], 19.5, 0);
    CHECK_NEAR(nn_sumsq(x, 7), 1 + 1 + 4 + 4 + 0.25 + 0 + 9, 0);
    float m[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30}, s[3] = {1, 1, 1};
    nn_add_row(m, b, 2, 3);                     /* rows (11, 22, 33), (14, 25, 36) */
    CHECK_NEAR(m[4], 25, 0);
    nn_sum_rows(s, m, 2, 3);                    /* 1 + column sums */
    CHECK_NEAR(s[0], 26, 0);
    CHECK_NEAR(s[2], 70, 0);
}

/* transpose, the finiteness test (every position, so SIMD lanes and tails all count), and
 * the byte conversion for all 256 values at every offset of a 16-byte vector */
static void test_helpers(void) {
    float src[15], dst[15];
    for (int i = 0; i < 15; i++)
        src[i] = (float)i;
    nn_transpose(dst, src, 3, 5);               /* (3, 5) → (5, 3) */
    CHECK_NEAR(dst[1], 5, 0);                   /* dst[0][1] = src[1][0] */
    CHECK_NEAR(dst[3 * 4 + 2], 14, 0);          /* dst[4][2] = src[2][4] */
    float v[37];
    for (int i = 0; i < 37; i++)
        v[i] = (float)i - 18.5f;
    CHECK(nn_all_finite(v, 37));
    CHECK(nn_all_finite(v, 0));
    int caught = 1;
    const float bad[3] = {INFINITY, -INFINITY, NAN};
    for (int i = 0; i < 37; i++)
        for (int k = 0; k < 3; k++) {
            const float keep = v[i];
            v[i] = bad[k];
            caught &= !nn_all_finite(v, 37);
            v[i] = keep;
        }
    CHECK(caught);
    v[0] = 3e38f;                               /* huge but finite stays finite */
    CHECK(nn_all_finite(v, 37));
    uint8_t bytes[256 + 16];
    float f[256 + 16];
    for (int i = 0; i < 256 + 16; i++)
        bytes[i] = (uint8_t)(i * 7 + 3);
    int exact = 1;
    for (int off = 0; off < 16; off++) {
        nn_bytes_to_floats(f, bytes + off, 256);
        for (int i = 0; i < 256; i++) {
            const float want = (float)bytes[off + i] / 255.0f;
            exact &= memcmp(&want, &f[i], sizeof want) == 0;
        }
    }
    CHECK(exact);
}

int main(void) {
    test_gemm();
    test_vectors();
    test_helpers();
    return check_report();
}
