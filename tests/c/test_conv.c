/*
 * test_conv.c — the conv2d and pooling building blocks (conv.c, pool.c), issue #13: window
 * geometry and its errors, forward values worked out by hand, conv forward and backward against
 * direct seven-loop convolutions (to the bit where the sums run in the same order, and against
 * double precision), every gradient against central differences, and pooling ties and NaNs.
 * Built natively against the scalar kernels and, as test_conv_simd128, by emcc against the
 * SIMD kernels and run in Node: the same bit-exact checks then show that both builds agree.
 * Layout NHWC throughout (see nn_internal.h).
 */
#include "check.h"
#include "kernels.h"
#include "nn_internal.h"

#include <stdint.h>
#include <stdlib.h>

/* f32 sums of up to 300 products against the same sums in double, relative to the sum of
 * |terms|: rounding is bounded by 300·2⁻²⁴ ≈ 2e-5 and in practice near √300·2⁻²⁴ ≈ 1e-6
 * (the worst here is printed); a wrong or missing term is off by its own size */
#define FWD_TOL 1e-5

/* Central differences of L = Σ y·r. Conv and both pools are linear in each input and weight
 * (the max pool wherever its argmax does not move, which the spaced inputs below ensure), so
 * the differences have no truncation error; what is left is f32 rounding of the outputs a
 * perturbation touches (about 1e-6 each, over a step of 2e-2: 1e-4 of gradients of order 1).
 * A wrong index, factor or sign is off by order 1. */
#define GRAD_TOL 1e-3
#define GRAD_H 1e-2
/* the max pool's step stays below half the 0.01 spacing of its inputs: no argmax moves */
#define MAX_H 1e-3

/* zeroed, so no value is read before it is written */
static float *falloc(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

/* inputs in [−1.5, 1.5) from a fixed generator */
static void fill(float *v, size_t n, nn_rng *r) {
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(3.0 * nn_rng_uniform(r) - 1.5);
}

/* a share of the values zero, as in images (MNIST is 81% zeros); a third of them −0 */
static void sparsify(float *v, size_t n, double zeros, nn_rng *r) {
    for (size_t i = 0; i < n; i++) {
        const double u = nn_rng_uniform(r);
        if (u < zeros)
            v[i] = u < zeros / 3 ? -0.0f : 0.0f;
    }
}

static int same_bits(const float *a, const float *b, size_t n) {
    return memcmp(a, b, n * sizeof *a) == 0;
}

static int any_nonzero(const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0.0f)
            return 1;
    return 0;
}

static nn_window window(int H, int W, int C, int KH, int KW, int sh, int sw, int pad) {
    nn_window g;
    nn_error e;
    const nn_status st = nn_window_init(&g, H, W, C, KH, KW, sh, sw, pad, &e);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK)
        printf("  window: %s\n", e.message);
    return g;
}

/* ---- geometry ------------------------------------------------------------------------------ */

static void check_geom(int n, int k, int s, int pad, int out, int lo, int hi) {
    nn_window g = window(n, n + 1, 2, k, k + 1, s, s, pad);
    CHECK_INT(g.OH, out);
    CHECK_INT(g.pad_top, lo);
    CHECK_INT(g.pad_bottom, hi);
    CHECK_INT(g.padding, pad);
    /* the width with a kernel one wider: worked out by the same rule */
    nn_window w = window(n + 1, n + 1, 1, k + 1, k + 1, s, s, pad);
    CHECK_INT(g.OW, w.OH);
    CHECK_INT(g.pad_left, w.pad_top);
    CHECK_INT(g.pad_right, w.pad_bottom);
}

/* refused with NN_ERR_ARG and this whole message (docs/ERRORS.md, 2.13), g zeroed */
static void check_bad(int H, int W, int C, int KH, int KW, int sh, int sw, int pad,
                      const char *message) {
    nn_window g;
    nn_error e;
    CHECK_STATUS(nn_window_init(&g, H, W, C, KH, KW, sh, sw, pad, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, message);
    CHECK_INT(strlen(e.message), strlen(message));
    CHECK_INT(g.OH, 0);
    CHECK_STATUS(nn_window_init(&g, H, W, C, KH, KW, sh, sw, pad, NULL), NN_ERR_ARG);
}

static void test_geometry(void) {
    /* valid: floor((n − k)/s) + 1, no padding */
    check_geom(28, 5, 1, NN_PAD_VALID, 24, 0, 0);
    check_geom(7, 3, 2, NN_PAD_VALID, 3, 0, 0);
    check_geom(7, 2, 3, NN_PAD_VALID, 2, 0, 0);    /* stride > kernel: inputs skipped */
    check_geom(5, 5, 1, NN_PAD_VALID, 1, 0, 0);
    /* same: ceil(n/s), total max((out − 1)·s + k − n, 0), top floor(total/2) */
    check_geom(28, 5, 1, NN_PAD_SAME, 28, 2, 2);
    check_geom(7, 2, 1, NN_PAD_SAME, 7, 0, 1);     /* odd total: the extra row at the bottom */
    check_geom(7, 3, 2, NN_PAD_SAME, 4, 1, 1);     /* 3·2 + 3 − 7 = 2 */
    check_geom(6, 3, 2, NN_PAD_SAME, 3, 0, 1);     /* 2·2 + 3 − 6 = 1 */
    check_geom(5, 1, 3, NN_PAD_SAME, 2, 0, 0);     /* 1·3 + 1 − 5 = −1: none */
    check_geom(2, 5, 1, NN_PAD_SAME, 2, 2, 2);     /* a kernel larger than the input */
    check_geom(1, 1, 1, NN_PAD_VALID, 1, 0, 0);
    check_geom(28, 2, 2, NN_PAD_VALID, 14, 0, 0);  /* the usual pool */

    check_bad(3, 3, 1, 4, 2, 1, 1, NN_PAD_VALID,
              "kernel height 4 is larger than the input height 3 (padding 'valid')");
    check_bad(3, 3, 1, 2, 4, 1, 1, NN_PAD_VALID,
              "kernel width 4 is larger than the input width 3 (padding 'valid')");
    check_bad(3, 3, 1, 2, 2, 0, 1, NN_PAD_VALID, "stride height 0 must be at least 1");
    check_bad(3, 3, 1, 2, 2, 1, -1, NN_PAD_SAME, "stride width -1 must be at least 1");
    check_bad(0, 3, 1, 1, 1, 1, 1, NN_PAD_VALID, "input height 0 must be at least 1");
    check_bad(3, -2, 1, 1, 1, 1, 1, NN_PAD_VALID, "input width -2 must be at least 1");
    check_bad(3, 3, 0, 1, 1, 1, 1, NN_PAD_VALID, "channels 0 must be at least 1");
    check_bad(3, 3, 1, 0, 1, 1, 1, NN_PAD_SAME, "kernel height 0 must be at least 1");
    check_bad(3, 3, 1, 1, 0, 1, 1, NN_PAD_SAME, "kernel width 0 must be at least 1");
    check_bad(3, 3, 1, 1, 1, 1, 1, 2, "padding 2 is unknown (0 valid, 1 same)");
    check_bad(50000, 50000, 1, 3, 3, 1, 1, NN_PAD_SAME,              /* an image */
              "input 50000x50000x1 with kernel 3x3 is too large (more than 2147483647 elements)");
    check_bad(4, 4, 3000, 1000, 1000, 1, 1, NN_PAD_SAME,             /* a patch */
              "input 4x4x3000 with kernel 1000x1000 is too large (more than 2147483647 elements)");
    nn_error e;
    CHECK_STATUS(nn_window_init(NULL, 3, 3, 1, 1, 1, 1, 1, NN_PAD_VALID, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, "window geometry is NULL");
    CHECK_STATUS(nn_window_init(NULL, 3, 3, 1, 1, 1, 1, 1, NN_PAD_VALID, NULL), NN_ERR_ARG);

    /* workspaces: the first conv of the MNIST recipe (28×28×1, 8@5×5) and its 2×2 pool */
    nn_window c = window(28, 28, 1, 5, 5, 1, 1, NN_PAD_VALID);
    CHECK_INT(nn_conv2d_cols_size(&c, 64), 64 * 24 * 24 * 25);
    CHECK_INT(nn_conv2d_wt_size(&c, 8), 8 * 25);
    nn_window p = window(24, 24, 8, 2, 2, 2, 2, NN_PAD_VALID);
    CHECK_INT(nn_maxpool2d_arg_size(&p, 64), 64 * 12 * 12 * 8);
}

/* ---- forward values by hand ----------------------------------------------------------------- */

/* x = [[1 2 3] [4 5 6] [7 8 9]] (3×3, one channel); y = conv(x) with stride (s, s) */
static void hand_conv1(int KH, int KW, const float *Wk, float bias, int s, int pad,
                       const float *want, int OH, int OW) {
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    nn_window g = window(3, 3, 1, KH, KW, s, s, pad);
    CHECK_INT(g.OH, OH);
    CHECK_INT(g.OW, OW);
    float y[9], cols[81];
    CHECK(nn_conv2d_cols_size(&g, 1) <= 81);
    nn_conv2d_forward(y, cols, x, Wk, &bias, &g, 1, 1);
    for (int i = 0; i < OH * OW; i++)
        CHECK_NEAR(y[i], want[i], 0);
}

static void test_conv_by_hand(void) {
    /* kernel [[1 2] [3 4]], bias 0.5; valid, stride 1: 1·1 + 2·2 + 4·3 + 5·4 = 37, then 47,
     * 67, 77 (+ 0.5) */
    const float k2[4] = {1, 2, 3, 4};
    const float valid1[4] = {37.5f, 47.5f, 67.5f, 77.5f};
    hand_conv1(2, 2, k2, 0.5f, 1, NN_PAD_VALID, valid1, 2, 2);
    /* same, stride 1: padding total 1, all of it below and right, so the last column and row
     * see zeros: y02 = 3·1 + 6·3 = 21, y12 = 6 + 27 = 33, y20 = 7 + 16 = 23, y21 = 8 + 18 =
     * 26, y22 = 9 */
    const float same1[9] = {37.5f, 47.5f, 21.5f, 67.5f, 77.5f, 33.5f, 23.5f, 26.5f, 9.5f};
    hand_conv1(2, 2, k2, 0.5f, 1, NN_PAD_SAME, same1, 3, 3);
    /* valid, stride 2: one window */
    const float valid2[1] = {37.5f};
    hand_conv1(2, 2, k2, 0.5f, 2, NN_PAD_VALID, valid2, 1, 1);
    /* same, stride 2: windows at rows and columns 0 and 2, padding one row and column after */
    const float same2[4] = {37.5f, 21.5f, 23.5f, 9.5f};
    hand_conv1(2, 2, k2, 0.5f, 2, NN_PAD_SAME, same2, 2, 2);
    /* 3×3 kernel, same, stride 1: padding 1 on every side. Kernel 1 at (0, 0) and 10 at
     * (2, 1): y[i][j] = x[i−1][j−1] + 10·x[i+1][j], zero outside */
    const float k3[9] = {1, 0, 0, 0, 0, 0, 0, 10, 0};
    const float same3[9] = {40, 50, 60, 70, 81, 92, 0, 4, 5};
    hand_conv1(3, 3, k3, 0.0f, 1, NN_PAD_SAME, same3, 3, 3);

    /* two channels, two filters. Channel 0 as above, channel 1 the checkerboard
     * [[1 0 1] [0 1 0] [1 0 1]]. Filter 0: [[1 2] [3 4]] on channel 0 and 10 at (0, 0) on
     * channel 1; filter 1: −1 at (1, 1) on channel 1 only. Bias (0.5, −0.25). */
    float x[18];
    const float ch0[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ch1[9] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
    for (int i = 0; i < 9; i++) {
        x[2 * i] = ch0[i];
        x[2 * i + 1] = ch1[i];
    }
    float Wk[16] = {0};                   /* W[((kh·2 + kw)·2 + c)·2 + f] */
    for (int k = 0; k < 4; k++)
        Wk[(k * 2 + 0) * 2 + 0] = k2[k];
    Wk[(0 * 2 + 1) * 2 + 0] = 10;
    Wk[(3 * 2 + 1) * 2 + 1] = -1;
    const float b[2] = {0.5f, -0.25f};
    float y[8], cols[32];
    /* valid, stride 1: filter 0 = 37, 47, 67, 77 plus 10·ch1 at the window's corner (1, 0,
     * 0, 1); filter 1 = −ch1 at the window's far corner (1, 0, 0, 1) */
    nn_window g = window(3, 3, 2, 2, 2, 1, 1, NN_PAD_VALID);
    nn_conv2d_forward(y, cols, x, Wk, b, &g, 2, 1);
    const float want_v[8] = {47.5f, -1.25f, 47.5f, -0.25f, 67.5f, -0.25f, 87.5f, -1.25f};
    for (int i = 0; i < 8; i++)
        CHECK_NEAR(y[i], want_v[i], 0);
    /* same, stride 2: filter 0 = 37, 21, 23, 9 plus 10·ch1 at (0,0), (0,2), (2,0), (2,2),
     * all 1; filter 1: only the first window's far corner (1, 1) is inside */
    g = window(3, 3, 2, 2, 2, 2, 2, NN_PAD_SAME);
    nn_conv2d_forward(y, cols, x, Wk, b, &g, 2, 1);
    const float want_s[8] = {47.5f, -1.25f, 31.5f, -0.25f, 33.5f, -0.25f, 19.5f, -0.25f};
    for (int i = 0; i < 8; i++)
        CHECK_NEAR(y[i], want_s[i], 0);

    /* backward of the first case with dy = 1 everywhere: db = 4 outputs; dW[kh][kw] = the sum
     * of the 2×2 block at (kh, kw) = 12, 16, 24, 28; dx[i][j] = the sum of the kernel entries
     * that touch it */
    const float x1[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ones[4] = {1, 1, 1, 1};
    float c1[16], y1[4], dW[4] = {0}, db = 0, dx[9], wt[4];
    g = window(3, 3, 1, 2, 2, 1, 1, NN_PAD_VALID);
    nn_conv2d_forward(y1, c1, x1, k2, NULL, &g, 1, 1);   /* no bias */
    CHECK_NEAR(y1[0], 37, 0);
    nn_conv2d_backward(dx, dW, &db, c1, wt, ones, x1, k2, &g, 1, 1);
    CHECK_NEAR(db, 4, 0);
    const float want_dW[4] = {12, 16, 24, 28}, want_dx[9] = {1, 3, 2, 4, 10, 6, 3, 7, 4};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(dW[i], want_dW[i], 0);
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(dx[i], want_dx[i], 0);
}

static void test_pool_by_hand(void) {
    /* x 4×4, one channel:
     *   1 3 2 1
     *   4 2 0 5
     *   7 7 1 1     (a tie: the first 7 wins)
     *   0 6 1 2 */
    const float x[16] = {1, 3, 2, 1, 4, 2, 0, 5, 7, 7, 1, 1, 0, 6, 1, 2};
    float y[4], dx[16];
    int32_t arg[4];
    nn_window g = window(4, 4, 1, 2, 2, 2, 2, NN_PAD_VALID);
    nn_maxpool2d_forward(y, arg, x, &g, 1);
    const float ymax[4] = {4, 5, 7, 2};
    const int32_t amax[4] = {4, 7, 8, 15};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(y[i], ymax[i], 0);
        CHECK_INT(arg[i], amax[i]);
    }
    const float dy[4] = {10, 20, 30, 40};
    for (int i = 0; i < 16; i++)
        dx[i] = NAN;                     /* overwritten */
    nn_maxpool2d_backward(dx, dy, arg, &g, 1);
    for (int i = 0; i < 16; i++)
        CHECK_NEAR(dx[i], i == 4 ? 10 : i == 7 ? 20 : i == 8 ? 30 : i == 15 ? 40 : 0, 0);
    /* average: (1+3+4+2)/4, (2+1+0+5)/4, (7+7+0+6)/4, (1+1+1+2)/4; backward dy/4 */
    nn_avgpool2d_forward(y, x, &g, 1);
    const float yavg[4] = {2.5f, 2, 5, 1.25f};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(y[i], yavg[i], 0);
    const float dya[4] = {4, 8, 12, 16};
    for (int i = 0; i < 16; i++)
        dx[i] = NAN;
    nn_avgpool2d_backward(dx, dya, &g, 1);
    const float dxa[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    for (int i = 0; i < 16; i++)
        CHECK_NEAR(dx[i], dxa[i], 0);

    /* 3×3 windows with stride 1 overlap: every window's maximum is a 7, the first 7 (index 8)
     * for the two windows holding column 0, else the second (index 9); backward adds up */
    g = window(4, 4, 1, 3, 3, 1, 1, NN_PAD_VALID);
    nn_maxpool2d_forward(y, arg, x, &g, 1);
    const int32_t aover[4] = {8, 9, 8, 9};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(y[i], 7, 0);
        CHECK_INT(arg[i], aover[i]);
    }
    const float dyo[4] = {1, 2, 3, 4};
    nn_maxpool2d_backward(dx, dyo, arg, &g, 1);
    for (int i = 0; i < 16; i++)
        CHECK_NEAR(dx[i], i == 8 ? 4 : i == 9 ? 6 : 0, 0);
    /* average of overlapping windows: (1+3+2+4+2+0+7+7+1)/9 = 3; dx at the centre four gets
     * every window's dy/9 */
    nn_avgpool2d_forward(y, x, &g, 1);
    CHECK_NEAR(y[0], 3, 0);
    const float dy9[4] = {9, 18, 27, 36};
    nn_avgpool2d_backward(dx, dy9, &g, 1);
    CHECK_NEAR(dx[5], 1 + 2 + 3 + 4, 0);
    CHECK_NEAR(dx[0], 1, 0);
    CHECK_NEAR(dx[3], 2, 0);
    CHECK_NEAR(dx[15], 4, 0);

    /* same, 2×2 stride 2 on [[1 2 3] [4 5 6] [7 8 9]]: padding one row and column after; the
     * max ignores it, the mean counts only the inputs (as TensorFlow): 12/4, 9/2, 15/2, 9/1 */
    const float x3[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    g = window(3, 3, 1, 2, 2, 2, 2, NN_PAD_SAME);
    nn_maxpool2d_forward(y, arg, x3, &g, 1);
    const float ys[4] = {5, 6, 8, 9};
    const int32_t as[4] = {4, 5, 7, 8};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(y[i], ys[i], 0);
        CHECK_INT(arg[i], as[i]);
    }
    /* negative inputs: padding is not a zero that would win */
    float neg[9];
    for (int i = 0; i < 9; i++)
        neg[i] = -x3[i];
    nn_maxpool2d_forward(y, arg, neg, &g, 1);
    const float yn[4] = {-1, -3, -7, -9};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(y[i], yn[i], 0);
    nn_avgpool2d_forward(y, x3, &g, 1);
    const float ya[4] = {3, 4.5f, 7.5f, 9};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(y[i], ya[i], 0);
    const float dys[4] = {4, 2, 2, 1};
    nn_avgpool2d_backward(dx, dys, &g, 1);
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(dx[i], 1, 0);

    /* two channels, channel 1 = −channel 0, two images (the second = the first + 100): the
     * index counts channels, (h·W + w)·C + c, within each image */
    float x2[2 * 32];
    for (int i = 0; i < 16; i++) {
        x2[2 * i] = x[i];
        x2[2 * i + 1] = -x[i];
        x2[32 + 2 * i] = x[i] + 100;
        x2[32 + 2 * i + 1] = -x[i] - 100;
    }
    g = window(4, 4, 2, 2, 2, 2, 2, NN_PAD_VALID);
    float y2[16];
    int32_t a2[16];
    nn_maxpool2d_forward(y2, a2, x2, &g, 2);
    /* channel 1: the smallest of channel 0, first one: 1 at (0,0), 0 at (1,2), 0 at (3,0), 1
     * at (2,2) */
    const float w1[4] = {-1, 0, 0, -1};
    const int32_t i1[4] = {1, 13, 25, 21};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(y2[2 * i], ymax[i], 0);
        CHECK_INT(a2[2 * i], 2 * amax[i]);
        CHECK_NEAR(y2[2 * i + 1], w1[i], 0);
        CHECK_INT(a2[2 * i + 1], i1[i]);
        CHECK_NEAR(y2[8 + 2 * i], ymax[i] + 100, 0);
        CHECK_INT(a2[8 + 2 * i], 2 * amax[i]);
        CHECK_NEAR(y2[8 + 2 * i + 1], w1[i] - 100, 0);
        CHECK_INT(a2[8 + 2 * i + 1], i1[i]);
    }
    float dy2[16], dx2[64];
    for (int i = 0; i < 16; i++)
        dy2[i] = (float)(i + 1);
    nn_maxpool2d_backward(dx2, dy2, a2, &g, 2);
    CHECK_NEAR(dx2[32 + 2 * amax[3]], 15, 0);     /* image 1, output 3, channel 0 */
    CHECK_NEAR(dx2[32 + i1[3]], 16, 0);
    CHECK_NEAR(dx2[i1[0]], 2, 0);
}

/* NaN wins the max, the first NaN among several; −0 and +0 tie (the first stays); all −inf
 * gives −inf at the first position */
static void test_pool_nan(void) {
    nn_window g = window(2, 2, 1, 2, 2, 2, 2, NN_PAD_VALID);
    float y, dx[4];
    int32_t arg;
    const float late[4] = {1, 5, NAN, 2};
    nn_maxpool2d_forward(&y, &arg, late, &g, 1);
    CHECK(isnan(y));
    CHECK_INT(arg, 2);
    const float first[4] = {NAN, 5, 7, 2};
    nn_maxpool2d_forward(&y, &arg, first, &g, 1);
    CHECK(isnan(y));
    CHECK_INT(arg, 0);
    const float two[4] = {3, NAN, 9, NAN};
    nn_maxpool2d_forward(&y, &arg, two, &g, 1);
    CHECK(isnan(y));
    CHECK_INT(arg, 1);
    const float dy = 2;
    nn_maxpool2d_backward(dx, &dy, &arg, &g, 1);
    CHECK(dx[0] == 0 && dx[1] == 2 && dx[2] == 0 && dx[3] == 0);
    const float zeros[4] = {-0.0f, 0.0f, -0.0f, -1};
    nn_maxpool2d_forward(&y, &arg, zeros, &g, 1);
    CHECK_INT(arg, 0);
    CHECK(signbit(y));
    const float inf[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    nn_maxpool2d_forward(&y, &arg, inf, &g, 1);
    CHECK(isinf(y) && y < 0);
    CHECK_INT(arg, 0);
    nn_avgpool2d_forward(&y, late, &g, 1);
    CHECK(isnan(y));
    const float pinf[4] = {1, INFINITY, 2, 3};
    nn_avgpool2d_forward(&y, pinf, &g, 1);
    CHECK(isinf(y) && y > 0);
    /* the same windows as the 4 channels of one image (the SIMD build compares 4 channels at
     * a time): each channel keeps its own rule */
    const float *const cases[4] = {late, first, two, zeros};
    const int32_t want[4] = {2, 0, 1, 0};
    float x4[16], y4[4];
    int32_t a4[4];
    for (int pos = 0; pos < 4; pos++)
        for (int c = 0; c < 4; c++)
            x4[pos * 4 + c] = cases[c][pos];
    g = window(2, 2, 4, 2, 2, 2, 2, NN_PAD_VALID);
    nn_maxpool2d_forward(y4, a4, x4, &g, 1);
    for (int c = 0; c < 4; c++)
        CHECK_INT(a4[c], want[c] * 4 + c);
    CHECK(isnan(y4[0]) && isnan(y4[1]) && isnan(y4[2]) && y4[3] == 0.0f && signbit(y4[3]));
}

/* the max pool against a plain scan on inputs with many ties (values 0..3): the first maximum
 * in (h, w) order, the padding skipped */
static void test_pool_ties(void) {
    nn_rng r;
    nn_rng_seed(&r, 13, 1);
    const int H = 9, W = 8, B = 2;
    float x[9 * 8 * 6 * 2];
    for (int i = 0; i < H * W * 6 * B; i++)
        x[i] = (float)nn_rng_below(&r, 4);
    const int win[3][4] = {{2, 2, 2, 2}, {3, 3, 2, 2}, {3, 2, 1, 2}};
    /* 3 channels, and 6 (4 at a time in the SIMD build, then 2) */
    for (int C = 3; C <= 6; C += 3) {
        for (int k = 0; k < 3; k++)
            for (int pad = 0; pad < 2; pad++) {
                nn_window g = window(H, W, C, win[k][0], win[k][1], win[k][2], win[k][3], pad);
                float y[9 * 8 * 6 * 2];
                int32_t arg[9 * 8 * 6 * 2];
                nn_maxpool2d_forward(y, arg, x, &g, B);
                int ok = 1;
                for (int b = 0; b < B; b++)
                    for (int oh = 0; oh < g.OH; oh++)
                        for (int ow = 0; ow < g.OW; ow++)
                            for (int c = 0; c < C; c++) {
                                float best = -INFINITY;
                                int at = -1;
                                for (int kh = 0; kh < g.KH; kh++)
                                    for (int kw = 0; kw < g.KW; kw++) {
                                        const int h = oh * g.sh - g.pad_top + kh;
                                        const int w = ow * g.sw - g.pad_left + kw;
                                        if (h < 0 || h >= H || w < 0 || w >= W)
                                            continue;
                                        const int i = (h * W + w) * C + c;
                                        if (at < 0 || x[b * H * W * C + i] > best) {
                                            best = x[b * H * W * C + i];
                                            at = i;
                                        }
                                    }
                                const int o = ((b * g.OH + oh) * g.OW + ow) * C + c;
                                ok &= y[o] == best && arg[o] == at;
                            }
                if (!ok)
                    printf("  max pool %dx%d stride %d,%d pad %d, %d channels: not the first "
                           "maximum\n", g.KH, g.KW, g.sh, g.sw, pad, C);
                CHECK(ok);
            }
    }
}

/* ---- conv against direct convolutions ------------------------------------------------------ */

typedef struct {
    int H, W, C, KH, KW, sh, sw, pad, F, B;
    double zeros;                       /* share of zero inputs */
} shape;

/* x at (b, h, w, c), 0 in the padding */
static float xat(const float *x, const nn_window *g, int b, int h, int w, int c) {
    if (h < 0 || h >= g->H || w < 0 || w >= g->W)
        return 0.0f;
    return x[(((size_t)b * g->H + h) * g->W + w) * g->C + c];
}

/* y by seven loops, summed as the GEMM sums (products in (kh, kw, c) order from +0, padding
 * as zero products, then the bias): the same bits */
static void direct_forward(float *y, const float *x, const float *W, const float *b,
                           const nn_window *g, int F, int B) {
    for (int n = 0; n < B; n++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int f = 0; f < F; f++) {
                    float s = 0.0f;
                    for (int kh = 0; kh < g->KH; kh++)
                        for (int kw = 0; kw < g->KW; kw++)
                            for (int c = 0; c < g->C; c++) {
                                const int h = oh * g->sh - g->pad_top + kh;
                                const int w = ow * g->sw - g->pad_left + kw;
                                s += xat(x, g, n, h, w, c) *
                                     W[((size_t)(kh * g->KW + kw) * g->C + c) * F + f];
                            }
                    y[(((size_t)n * g->OH + oh) * g->OW + ow) * F + f] = s + b[f];
                }
}

/* worst |y − exact| / Σ|terms| against the same loops in double */
static double forward_error(const float *y, const float *x, const float *W, const float *b,
                            const nn_window *g, int F, int B) {
    double worst = 0;
    for (int n = 0; n < B; n++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int f = 0; f < F; f++) {
                    double s = b[f], mag = fabs(s);
                    for (int kh = 0; kh < g->KH; kh++)
                        for (int kw = 0; kw < g->KW; kw++)
                            for (int c = 0; c < g->C; c++) {
                                const int h = oh * g->sh - g->pad_top + kh;
                                const int w = ow * g->sw - g->pad_left + kw;
                                const double t =
                                    (double)xat(x, g, n, h, w, c) *
                                    W[((size_t)(kh * g->KW + kw) * g->C + c) * F + f];
                                s += t;
                                mag += fabs(t);
                            }
                    const double e =
                        fabs(y[(((size_t)n * g->OH + oh) * g->OW + ow) * F + f] - s) /
                        fmax(mag, 1e-30);
                    worst = fmax(worst, e);
                }
    return worst;
}

/* dW, db and dx by direct loops in the GEMM's order: dW[k][f] from its old value plus
 * x·dy over output pixels in order; db likewise; dx from 0, each output pixel in order adding
 * its dot product Σ_f dy·W (summed from +0 in f order) to the inputs its window covers */
static void direct_backward(float *dx, float *dW, float *db, const float *dy, const float *x,
                            const float *W, const nn_window *g, int F, int B) {
    for (int kh = 0; kh < g->KH; kh++)
        for (int kw = 0; kw < g->KW; kw++)
            for (int c = 0; c < g->C; c++)
                for (int f = 0; f < F; f++) {
                    const int k = (kh * g->KW + kw) * g->C + c;
                    float s = dW[(size_t)k * F + f];
                    for (int n = 0; n < B; n++)
                        for (int oh = 0; oh < g->OH; oh++)
                            for (int ow = 0; ow < g->OW; ow++) {
                                const int h = oh * g->sh - g->pad_top + kh;
                                const int w = ow * g->sw - g->pad_left + kw;
                                const size_t r = ((size_t)n * g->OH + oh) * g->OW + ow;
                                s += xat(x, g, n, h, w, c) * dy[r * F + f];
                            }
                    dW[(size_t)k * F + f] = s;
                }
    const size_t rows = (size_t)B * g->OH * g->OW;
    for (size_t r = 0; r < rows; r++)
        for (int f = 0; f < F; f++)
            db[f] += dy[r * F + f];
    memset(dx, 0, (size_t)B * g->H * g->W * g->C * sizeof *dx);
    for (int n = 0; n < B; n++)
        for (int oh = 0; oh < g->OH; oh++)
            for (int ow = 0; ow < g->OW; ow++)
                for (int kh = 0; kh < g->KH; kh++)
                    for (int kw = 0; kw < g->KW; kw++)
                        for (int c = 0; c < g->C; c++) {
                            const int h = oh * g->sh - g->pad_top + kh;
                            const int w = ow * g->sw - g->pad_left + kw;
                            if (h < 0 || h >= g->H || w < 0 || w >= g->W)
                                continue;
                            const size_t r = ((size_t)n * g->OH + oh) * g->OW + ow;
                            const int k = (kh * g->KW + kw) * g->C + c;
                            float s = 0.0f;
                            for (int f = 0; f < F; f++)
                                s += dy[r * F + f] * W[(size_t)k * F + f];
                            dx[(((size_t)n * g->H + h) * g->W + w) * g->C + c] += s;
                        }
}

/* buffers of one shape, sized by the workspace functions */
typedef struct {
    nn_window g;
    int F, B;
    size_t nx, ny, nw, ncols, nwt;
    float *x, *W, *b, *y, *cols, *wt, *dy, *dx, *dW, *db;
} conv_case;

static int case_open(conv_case *t, const shape *s, nn_rng *r) {
    memset(t, 0, sizeof *t);
    nn_error e;
    if (nn_window_init(&t->g, s->H, s->W, s->C, s->KH, s->KW, s->sh, s->sw, s->pad, &e) !=
        NN_OK) {
        printf("  shape: %s\n", e.message);
        CHECK(0);
        return 0;
    }
    t->F = s->F;
    t->B = s->B;
    t->nx = (size_t)s->B * s->H * s->W * s->C;
    t->ny = (size_t)s->B * t->g.OH * t->g.OW * s->F;
    t->nw = (size_t)s->KH * s->KW * s->C * s->F;
    t->ncols = nn_conv2d_cols_size(&t->g, s->B);
    t->nwt = nn_conv2d_wt_size(&t->g, s->F);
    t->x = falloc(t->nx);
    t->dx = falloc(t->nx);
    t->W = falloc(t->nw);
    t->dW = falloc(t->nw);
    t->b = falloc((size_t)s->F);
    t->db = falloc((size_t)s->F);
    t->y = falloc(t->ny);
    t->dy = falloc(t->ny);
    t->cols = falloc(t->ncols);
    t->wt = falloc(t->nwt);
    fill(t->x, t->nx, r);
    sparsify(t->x, t->nx, s->zeros, r);
    fill(t->W, t->nw, r);
    fill(t->b, (size_t)s->F, r);
    fill(t->dy, t->ny, r);
    return 1;
}

static void case_close(conv_case *t) {
    float *p[] = {t->x, t->dx, t->W, t->dW, t->b, t->db, t->y, t->dy, t->cols, t->wt};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        free(p[i]);
}

static void describe(const shape *s) {
    printf("  shape %dx%dx%d kernel %dx%d stride %d,%d %s F %d B %d zeros %g\n", s->H, s->W,
           s->C, s->KH, s->KW, s->sh, s->sw, s->pad ? "same" : "valid", s->F, s->B, s->zeros);
}

/* forward and backward to the bit against the direct loops (so the SIMD build, run in Node,
 * agrees with the scalar one), and forward to FWD_TOL against double */
static double forward_worst;

static void check_direct(const shape *s, nn_rng *r) {
    conv_case t;
    if (!case_open(&t, s, r))
        return;
    const nn_window *g = &t.g;
    float *want = falloc(t.ny), *dx_w = falloc(t.nx), *dW_w = falloc(t.nw),
          *db_w = falloc((size_t)t.F);
    /* dy as sparse as x: after ReLU and a max pool most of it is zero, and the SIMD kernels
     * skip those (whole rows of it, too) */
    sparsify(t.dy, t.ny, s->zeros, r);
    nn_conv2d_forward(t.y, t.cols, t.x, t.W, t.b, g, t.F, t.B);
    direct_forward(want, t.x, t.W, t.b, g, t.F, t.B);
    const int fwd_bits = same_bits(t.y, want, t.ny);
    const double err = forward_error(t.y, t.x, t.W, t.b, g, t.F, t.B);
    forward_worst = fmax(forward_worst, err);
    /* backward accumulates into dW and db (started from random values here) and overwrites
     * dx (started as NaN) */
    fill(t.dW, t.nw, r);
    fill(t.db, (size_t)t.F, r);
    memcpy(dW_w, t.dW, t.nw * sizeof(float));
    memcpy(db_w, t.db, (size_t)t.F * sizeof(float));
    for (size_t i = 0; i < t.nx; i++)
        t.dx[i] = NAN;
    nn_conv2d_backward(t.dx, t.dW, t.db, t.cols, t.wt, t.dy, t.x, t.W, g, t.F, t.B);
    direct_backward(dx_w, dW_w, db_w, t.dy, t.x, t.W, g, t.F, t.B);
    const int dx_bits = same_bits(t.dx, dx_w, t.nx), dW_bits = same_bits(t.dW, dW_w, t.nw),
              db_bits = same_bits(t.db, db_w, (size_t)t.F);
    if (!fwd_bits || !(err < FWD_TOL) || !dx_bits || !dW_bits || !db_bits) {
        describe(s);
        printf("    forward bits %d (error %g), dx bits %d, dW bits %d, db bits %d\n", fwd_bits,
               err, dx_bits, dW_bits, db_bits);
    }
    CHECK(fwd_bits);
    CHECK(err < FWD_TOL);
    CHECK(dx_bits);
    CHECK(dW_bits);
    CHECK(db_bits);
    /* no dx (a first layer): dW the same */
    memcpy(dW_w, t.dW, t.nw * sizeof(float));
    nn_conv2d_backward(NULL, t.dW, NULL, t.cols, NULL, t.dy, t.x, t.W, g, t.F, t.B);
    direct_backward(dx_w, dW_w, db_w, t.dy, t.x, t.W, g, t.F, t.B);
    CHECK(same_bits(t.dW, dW_w, t.nw));
    free(want);
    free(dx_w);
    free(dW_w);
    free(db_w);
    case_close(&t);
}

/* the shapes of the issue: stride 1 and 2, valid and same, C = 1 and 3, F = 1 and 4, B = 2,
 * on a 7×6 input (odd padding totals, so the bottom/right get the extra row), with a square
 * and a non-square kernel */
static int grid(shape *out) {
    const int kernels[2][2] = {{3, 3}, {2, 3}};
    int n = 0;
    for (int k = 0; k < 2; k++)
        for (int st = 1; st <= 2; st++)
            for (int pad = 0; pad < 2; pad++)
                for (int C = 1; C <= 3; C += 2)
                    for (int F = 1; F <= 4; F += 3) {
                        const shape s = {7, 6, C, kernels[k][0], kernels[k][1], st, st, pad,
                                         F, 2, 0.0};
                        out[n++] = s;
                    }
    return n;
}

static void test_conv_direct(void) {
    nn_rng r;
    nn_rng_seed(&r, 2, 13);
    shape shapes[32];
    const int n = grid(shapes);
    for (int i = 0; i < n; i++)
        check_direct(&shapes[i], &r);
    /* shapes for the SIMD GEMM's paths (8- and 4-column blocks and their tails, 4-row tiles
     * and leftover rows, chunks of k past 256), sparse images whose zeros it skips, strides
     * that differ per axis or pass the kernel, 1×1 kernels and kernels larger than the input */
    const shape extra[] = {
        {12, 11, 5, 3, 3, 1, 1, NN_PAD_SAME, 9, 3, 0.8},
        {12, 11, 5, 3, 3, 1, 1, NN_PAD_SAME, 9, 3, 0.0},
        {9, 9, 2, 4, 2, 2, 1, NN_PAD_VALID, 16, 2, 0.5},
        {10, 7, 3, 5, 5, 1, 2, NN_PAD_SAME, 13, 1, 0.81},
        {8, 8, 7, 1, 1, 1, 1, NN_PAD_VALID, 5, 3, 0.3},
        {7, 7, 2, 2, 2, 3, 3, NN_PAD_VALID, 4, 2, 0.0},
        {3, 2, 2, 5, 4, 1, 1, NN_PAD_SAME, 3, 2, 0.0},
        {14, 14, 12, 5, 5, 1, 1, NN_PAD_VALID, 8, 2, 0.6},   /* K = 300: two chunks of k */
        {28, 28, 1, 5, 5, 1, 1, NN_PAD_VALID, 8, 2, 0.81},   /* the MNIST recipe's first conv */
        {12, 12, 8, 5, 5, 1, 1, NN_PAD_VALID, 16, 2, 0.5},   /* and its second */
        {1, 1, 1, 1, 1, 1, 1, NN_PAD_VALID, 1, 1, 0.0},
        {5, 6, 3, 3, 3, 2, 2, NN_PAD_SAME, 4, 2, 1.0},       /* an all-zero input */
        {5, 5, 3, 3, 3, 1, 1, NN_PAD_VALID, 9, 1, 0.3},     /* M = 9 windows, K = 27 */
        /* stride 3 over a 2×2 kernel, 'same': the padded batch (5×5) is larger than the im2col
         * matrix (4 windows of 4), so conv.c writes the matrix out instead */
        {4, 4, 2, 2, 2, 3, 3, NN_PAD_SAME, 3, 2, 0.3},
        {3, 3, 100, 1, 3, 1, 1, NN_PAD_VALID, 5, 1, 0.5},   /* a kernel row of 300 values */
        {4, 4, 2, 2, 2, 1, 1, NN_PAD_VALID, 260, 1, 0.5},   /* more than 256 filters */
        /* inputs 95% zero with 16 filters or more: the SIMD forward lists the nonzero k */
        {12, 12, 8, 5, 5, 1, 1, NN_PAD_VALID, 16, 2, 0.95},
        {14, 14, 12, 5, 5, 1, 1, NN_PAD_VALID, 16, 2, 0.95}, /* K = 300: two passes */
        {3, 3, 100, 1, 3, 1, 1, NN_PAD_VALID, 21, 1, 0.95},  /* a kernel row in two pieces */
        /* kernel rows of 60 and 40 values with 'same' padding (the input gradient's blocks of
         * 8 and fewer vectors, cut at the borders) */
        {9, 9, 12, 5, 5, 1, 1, NN_PAD_SAME, 7, 1, 0.5},
        {8, 8, 8, 5, 5, 1, 1, NN_PAD_SAME, 6, 1, 0.5},
    };
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        check_direct(&extra[i], &r);
    printf("conv forward: worst error %.3g against double\n", forward_worst);
}

/* ---- gradients against central differences ------------------------------------------------- */

/* L = Σ y·R in double, after a forward pass of the f32 function */
static double conv_objective(conv_case *t) {
    nn_conv2d_forward(t->y, t->cols, t->x, t->W, t->b, &t->g, t->F, t->B);
    double L = 0;
    for (size_t i = 0; i < t->ny; i++)
        L += (double)t->y[i] * (double)t->dy[i];
    return L;
}

/* worst error of g against the central difference of L in each value of v, perturbed by ±h
 * (the difference divided by the perturbation as rounded to f32) */
static double fd_worst(conv_case *t, float *v, size_t n, const float *g, double h) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        const float keep = v[i];
        const float up = (float)(keep + h), down = (float)(keep - h);
        v[i] = up;
        const double Lp = conv_objective(t);
        v[i] = down;
        const double Lm = conv_objective(t);
        v[i] = keep;
        const double fd = (Lp - Lm) / ((double)up - (double)down);
        worst = fmax(worst, fabs(g[i] - fd) / fmax(1.0, fabs(fd)));
    }
    return worst;
}

static void check_conv_grad(const shape *s, nn_rng *r, double *worst_all) {
    conv_case t;
    if (!case_open(&t, s, r))
        return;
    /* analytic: dy = R; dW and db from zero */
    nn_conv2d_forward(t.y, t.cols, t.x, t.W, t.b, &t.g, t.F, t.B);
    memset(t.dW, 0, t.nw * sizeof(float));
    memset(t.db, 0, (size_t)t.F * sizeof(float));
    nn_conv2d_backward(t.dx, t.dW, t.db, t.cols, t.wt, t.dy, t.x, t.W, &t.g, t.F, t.B);
    const int alive = any_nonzero(t.dx, t.nx) && any_nonzero(t.dW, t.nw) &&
                      any_nonzero(t.db, (size_t)t.F);
    float *dx = falloc(t.nx), *dW = falloc(t.nw), *db = falloc((size_t)t.F);
    memcpy(dx, t.dx, t.nx * sizeof(float));
    memcpy(dW, t.dW, t.nw * sizeof(float));
    memcpy(db, t.db, (size_t)t.F * sizeof(float));
    const double ex = fd_worst(&t, t.x, t.nx, dx, GRAD_H);
    const double eW = fd_worst(&t, t.W, t.nw, dW, GRAD_H);
    const double eb = fd_worst(&t, t.b, (size_t)t.F, db, GRAD_H);
    if (!alive || !(ex < GRAD_TOL) || !(eW < GRAD_TOL) || !(eb < GRAD_TOL)) {
        describe(s);
        printf("    gradients: dx %g, dW %g, db %g, nonzero %d\n", ex, eW, eb, alive);
    }
    CHECK(alive);
    CHECK(ex < GRAD_TOL);
    CHECK(eW < GRAD_TOL);
    CHECK(eb < GRAD_TOL);
    *worst_all = fmax(*worst_all, fmax(ex, fmax(eW, eb)));
    free(dx);
    free(dW);
    free(db);
    case_close(&t);
}

static void test_conv_gradients(void) {
    nn_rng r;
    nn_rng_seed(&r, 3, 13);
    shape shapes[32];
    const int n = grid(shapes);
    double worst = 0;
    for (int i = 0; i < n; i++)
        check_conv_grad(&shapes[i], &r, &worst);
    const shape extra[] = {
        {6, 5, 2, 2, 3, 1, 2, NN_PAD_SAME, 3, 2, 0.0},     /* strides differ per axis */
        {7, 7, 2, 2, 2, 3, 3, NN_PAD_VALID, 2, 2, 0.0},    /* stride 3 > kernel 2: gaps */
        {3, 2, 1, 5, 4, 1, 1, NN_PAD_SAME, 2, 2, 0.0},     /* kernel larger than the input */
    };
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        check_conv_grad(&extra[i], &r, &worst);
    printf("conv gradients: worst error %.3g against central differences\n", worst);
}

/* inputs a shuffled ladder of distinct values 0.01 apart around 0, so no window has two
 * within 2·MAX_H of each other and a step of MAX_H never moves an argmax */
static void ladder(float *v, size_t n, nn_rng *r) {
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(0.01 * ((double)i - (double)n / 2));
    for (size_t i = n; i > 1; i--) {
        const size_t j = nn_rng_below(r, (uint32_t)i);
        const float tmp = v[i - 1];
        v[i - 1] = v[j];
        v[j] = tmp;
    }
}

static double pool_objective(int max, float *y, int32_t *arg, const float *x, const float *R,
                             const nn_window *g, int B, size_t ny) {
    if (max)
        nn_maxpool2d_forward(y, arg, x, g, B);
    else
        nn_avgpool2d_forward(y, x, g, B);
    double L = 0;
    for (size_t i = 0; i < ny; i++)
        L += (double)y[i] * (double)R[i];
    return L;
}

static void check_pool_grad(int max, int H, int W, int C, int KH, int KW, int sh, int sw,
                            int pad, nn_rng *r, double *worst_all) {
    const int B = 2;
    nn_window g = window(H, W, C, KH, KW, sh, sw, pad);
    const size_t nx = (size_t)B * H * W * C, ny = nn_maxpool2d_arg_size(&g, B);
    float *x = falloc(nx), *dx = falloc(nx), *y = falloc(ny), *R = falloc(ny);
    int32_t *arg = malloc(ny * sizeof *arg);
    ladder(x, nx, r);
    fill(R, ny, r);
    pool_objective(max, y, arg, x, R, &g, B, ny);
    if (max)
        nn_maxpool2d_backward(dx, R, arg, &g, B);
    else
        nn_avgpool2d_backward(dx, R, &g, B);
    const double h = max ? MAX_H : GRAD_H;
    double worst = 0;
    for (size_t i = 0; i < nx; i++) {
        const float keep = x[i];
        const float up = (float)(keep + h), down = (float)(keep - h);
        x[i] = up;
        const double Lp = pool_objective(max, y, arg, x, R, &g, B, ny);
        x[i] = down;
        const double Lm = pool_objective(max, y, arg, x, R, &g, B, ny);
        x[i] = keep;
        const double fd = (Lp - Lm) / ((double)up - (double)down);
        worst = fmax(worst, fabs(dx[i] - fd) / fmax(1.0, fabs(fd)));
    }
    const int alive = any_nonzero(dx, nx);
    if (!alive || !(worst < GRAD_TOL))
        printf("  %s pool %dx%dx%d window %dx%d stride %d,%d %s: error %g, nonzero %d\n",
               max ? "max" : "avg", H, W, C, KH, KW, sh, sw, pad ? "same" : "valid", worst,
               alive);
    CHECK(alive);
    CHECK(worst < GRAD_TOL);
    *worst_all = fmax(*worst_all, worst);
    free(x);
    free(dx);
    free(y);
    free(R);
    free(arg);
}

static void test_pool_gradients(void) {
    nn_rng r;
    nn_rng_seed(&r, 4, 13);
    const int win[4][4] = {{2, 2, 2, 2}, {3, 3, 2, 2}, {2, 3, 1, 2}, {3, 3, 1, 1}};
    double worst = 0;
    for (int max = 0; max < 2; max++)
        for (int k = 0; k < 4; k++)
            for (int pad = 0; pad < 2; pad++)
                for (int C = 1; C <= 3; C += 2)
                    check_pool_grad(max, 7, 6, C, win[k][0], win[k][1], win[k][2], win[k][3],
                                    pad, &r, &worst);
    printf("pool gradients: worst error %.3g against central differences\n", worst);
}

int main(void) {
    test_geometry();
    test_conv_by_hand();
    test_pool_by_hand();
    test_pool_nan();
    test_pool_ties();
    test_conv_direct();
    test_conv_gradients();
    test_pool_gradients();
    return check_report();
}
