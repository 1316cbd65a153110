/*
 * test_augment.c — data augmentation (augment.c), issue #13: seeded random affine transforms of
 * images. Off is a bit-for-bit copy that draws nothing; whole-pixel shifts, a 90° rotation, a
 * zoom and half-pixel bilinear reads against values worked out by hand; the matrix against its
 * definition; the draws (a fixed count, independent of the pixels, inside their ranges, the
 * same for the same seed); a digit keeping its ink under small transforms; the spec checks.
 * Built natively and, as test_augment_simd128, by emcc and run in Node: the recorded checksum
 * in test_golden then shows that both give the same bits.
 * Layout NHWC throughout (see nn_internal.h); x is the column, y the row.
 */
#include "check.h"
#include "nn_internal.h"

#include <stdint.h>
#include <stdlib.h>

/* the matrix entries are sums of a few double products of sines and cosines: rounding is a few
 * 1e-16, so 1e-12 only catches a wrong formula */
#define MAT_TOL 1e-12
/* f32 interpolation of values up to 40 at source points off by ~1e-15 from whole pixels */
#define PIX_TOL 1e-5

#define PI 3.14159265358979323846

static float *falloc(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

static int same_bits(const float *a, const float *b, size_t n) {
    return memcmp(a, b, n * sizeof *a) == 0;
}

static int same_rng(const nn_rng *a, const nn_rng *b) {
    return a->state == b->state && a->inc == b->inc;
}

/* values in [−1, 1) from a fixed generator */
static void fill(float *v, size_t n, nn_rng *r) {
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(2.0 * nn_rng_uniform(r) - 1.0);
}

static nn_affine affine(double tx, double ty, double rotate, double scale, double shear) {
    nn_affine t = {tx, ty, rotate, scale, shear};
    return t;
}

/* dst = src transformed by t */
static void apply(float *dst, const float *src, int H, int W, int C, nn_affine t) {
    double m[6];
    nn_affine_matrix(m, &t, H, W);
    nn_affine_apply(dst, src, H, W, C, m);
}

/* a thin ring like a handwritten 0 in a 28×28 frame: radii 6 (x) and 8.5 (y) about the
 * centre, a stroke about 2.5 px wide fading linearly to 0, as MNIST's anti-aliased strokes */
static void digit(float *img) {
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            const double dx = (x - 13.5) / 6.0, dy = (y - 13.5) / 8.5;
            const double d = fabs(sqrt(dx * dx + dy * dy) - 1.0) * 7.0; /* ≈ px off the ring */
            img[y * 28 + x] = d < 1.25 ? (float)(1.0 - d / 1.25) : 0.0f;
        }
}

static double sum(const float *v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* ---- off ------------------------------------------------------------------------------------ */

/* an all-zero (or NULL, or −0) spec copies every bit, NaN and −0 included, and draws nothing */
static void test_off(void) {
    enum { B = 3, H = 4, W = 5, C = 2, N = B * H * W * C };
    float *src = falloc(N), *dst = falloc(N);
    nn_rng r;
    nn_rng_seed(&r, 7, 0);
    fill(src, N, &r);
    src[0] = -0.0f;
    src[1] = NAN;
    src[2] = INFINITY;
    src[N - 1] = -INFINITY;
    const nn_augment_spec zero = {0, 0, 0, 0}, negzero = {-0.0f, -0.0f, -0.0f, -0.0f};
    const nn_augment_spec *specs[3] = {&zero, &negzero, NULL};
    for (int k = 0; k < 3; k++) {
        CHECK_INT(nn_augment_on(specs[k]), 0);
        CHECK_STATUS(nn_augment_check(specs[k], NULL), NN_OK);
        memset(dst, 0xA5, N * sizeof *dst);
        nn_rng before = r;
        nn_augment_batch(dst, src, B, H, W, C, specs[k], &r);
        CHECK(same_bits(dst, src, N));
        CHECK(same_rng(&r, &before));
    }
    /* any one range on turns it on */
    const nn_augment_spec one[4] = {{0.1f, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0.1f, 0}, {0, 0, 0, 1}};
    for (int k = 0; k < 4; k++)
        CHECK_INT(nn_augment_on(&one[k]), 1);
    free(src);
    free(dst);
}

/* ---- transforms worked out by hand ---------------------------------------------------------- */

/* a shift by (2, −1) pixels moves every pixel exactly: out(x, y) = in(x − 2, y + 1), bits
 * included (−0, ±inf, NaN), and 0 where the source is outside */
static void test_shift(void) {
    enum { H = 5, W = 7, C = 3, N = H * W * C };
    float src[N], dst[N];
    nn_rng r;
    nn_rng_seed(&r, 11, 0);
    fill(src, N, &r);
    src[(1 * W + 0) * C + 0] = -0.0f; /* in(0, 1): lands at (2, 0) */
    src[(2 * W + 3) * C + 1] = NAN;
    src[(4 * W + 4) * C + 2] = INFINITY;
    apply(dst, src, H, W, C, affine(2, -1, 0, 1, 0));
    int moved = 0, exact = 1;
    const float zero = 0.0f;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const int sx = x - 2, sy = y + 1;
            const int in = sx >= 0 && sx < W && sy >= 0 && sy < H;
            for (int c = 0; c < C; c++) {
                const float *want = in ? &src[(sy * W + sx) * C + c] : &zero;
                exact &= memcmp(want, &dst[(y * W + x) * C + c], sizeof(float)) == 0;
                moved += in;
            }
        }
    CHECK(exact);
    CHECK_INT(moved, (H - 1) * (W - 2) * C);
    CHECK(signbit(dst[(0 * W + 2) * C + 0]) && dst[(0 * W + 2) * C + 0] == 0.0f);
    CHECK(isnan(dst[(1 * W + 5) * C + 1]));
}

/* 90° turns a 4×4 image (2 channels) clockwise as displayed: the left column becomes the top
 * row; with the exact matrix to the bit, with the one nn_affine_matrix makes (cos 90° is
 * 6e-17 there, not 0) to rounding */
static void test_rotate90(void) {
    enum { S = 4, C = 2, N = S * S * C };
    float src[N], dst[N];
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) {
            src[(y * S + x) * C + 0] = (float)(1 + 10 * y + x);
            src[(y * S + x) * C + 1] = -(float)(1 + 10 * y + x);
        }
    /* rotated by hand: out(x, y) = in(y, 3 − x) */
    static const float want[S][S] = {
        {31, 21, 11, 1}, {32, 22, 12, 2}, {33, 23, 13, 3}, {34, 24, 14, 4}};
    const double exact_m[6] = {0, 1, 0, -1, 0, 3};
    double m[6];
    const nn_affine t = affine(0, 0, 90, 1, 0);
    nn_affine_matrix(m, &t, S, S);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(m[i], exact_m[i], MAT_TOL);
    for (int pass = 0; pass < 2; pass++) {
        nn_affine_apply(dst, src, S, S, C, pass ? m : exact_m);
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                const float *o = &dst[(y * S + x) * C];
                if (pass) {
                    CHECK_NEAR(o[0], want[y][x], PIX_TOL);
                    CHECK_NEAR(o[1], -want[y][x], PIX_TOL);
                } else {
                    CHECK(o[0] == want[y][x]);
                    CHECK(o[1] == -want[y][x]);
                }
            }
    }
    /* −90° undoes it */
    float back[N];
    apply(back, dst, S, S, C, affine(0, 0, -90, 1, 0));
    for (int i = 0; i < N; i++)
        CHECK_NEAR(back[i], src[i], PIX_TOL);
}

/* zoom 2 about the centre of a 5×5 ramp in(x, y) = 1 + x + 5y: out(x, y) = in(2 + (x − 2)/2,
 * 2 + (y − 2)/2), exact in f32 (halves of small integers); zoom ½ leaves a background ring */
static void test_scale(void) {
    enum { S = 5 };
    float src[S * S], dst[S * S];
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            src[y * S + x] = (float)(1 + x + 5 * y);
    apply(dst, src, S, S, 1, affine(0, 0, 0, 2, 0));
    CHECK(dst[2 * S + 2] == 13.0f);  /* the centre stays: in(2, 2) */
    CHECK(dst[0 * S + 0] == 7.0f);   /* in(1, 1) */
    CHECK(dst[4 * S + 4] == 19.0f);  /* in(3, 3) */
    CHECK(dst[4 * S + 0] == 17.0f);  /* out(0, 4) = in(1, 3) */
    CHECK(dst[2 * S + 1] == 12.5f);  /* out(1, 2) = in(1.5, 2) = (12 + 13)/2 */
    CHECK(dst[0 * S + 3] == 8.5f);   /* out(3, 0) = in(2.5, 1) = (8 + 9)/2 */
    CHECK(dst[3 * S + 3] == 16.0f);  /* out(3, 3) = in(2.5, 2.5) = (12 + 13 + 17 + 18)/4 */
    apply(dst, src, S, S, 1, affine(0, 0, 0, 0.5, 0));
    CHECK(dst[2 * S + 2] == 13.0f);
    CHECK(dst[1 * S + 1] == 1.0f);   /* out(1, 1) = in(0, 0) */
    CHECK(dst[1 * S + 3] == 5.0f);   /* out(3, 1) = in(4, 0) */
    CHECK(dst[0 * S + 0] == 0.0f);   /* in(−2, −2): outside */
    CHECK(dst[4 * S + 2] == 0.0f);   /* in(2, 6) */
}

/* bilinear reads between pixels: out(x, y) = in(x + ½, y + ½) is the mean of four pixels, or
 * of those inside; a quarter pixel weighs ¾ and ¼ on the right sides */
static void test_bilinear(void) {
    static const float src[9] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    float dst[9];
    apply(dst, src, 3, 3, 1, affine(-0.5, -0.5, 0, 1, 0));
    CHECK(dst[0] == 6.75f);  /* (1 + 2 + 8 + 16)/4 */
    CHECK(dst[4] == 108.0f); /* (16 + 32 + 128 + 256)/4 */
    CHECK(dst[2] == 9.0f);   /* (4 + 32)/4: the column x = 3 reads 0 */
    CHECK(dst[6] == 48.0f);  /* (64 + 128)/4: the row y = 3 reads 0 */
    CHECK(dst[8] == 64.0f);  /* 256/4 */
    apply(dst, src, 3, 3, 1, affine(-0.25, 0, 0, 1, 0)); /* out(x, y) = in(x + ¼, y) */
    CHECK(dst[0] == 1.25f);  /* ¾·1 + ¼·2 */
    CHECK(dst[5] == 24.0f);  /* ¾·32 + ¼·0 */
    apply(dst, src, 3, 3, 1, affine(0.25, 0, 0, 1, 0));  /* out(x, y) = in(x − ¼, y) */
    CHECK(dst[0] == 0.75f);  /* ¼·0 + ¾·1 */
    CHECK(dst[1] == 1.75f);  /* ¼·1 + ¾·2 */
    /* the evaluation order, (1 − fy)·top + fy·bottom of (1 − fx)·left + fx·right, in f32 */
    apply(dst, src, 3, 3, 1, affine(-0.3, -0.7, 0, 1, 0));
    const double sx = 0.3, sy = 0.7; /* out(0, 0) = in(0.3, 0.7) */
    const float fx = (float)sx, fy = (float)sy;
    const float top = (1.0f - fx) * 1.0f + fx * 2.0f, bottom = (1.0f - fx) * 8.0f + fx * 16.0f;
    CHECK_NEAR(dst[0], (1.0f - fy) * top + fy * bottom, 1e-6);
}

/* the inverse map against the definition p_out = c + T + R(θ)·Sh(φ)·s·(p_in − c), computed
 * with libm: mapping the source point of a pixel forward gives the pixel back */
static void test_matrix(void) {
    nn_rng r;
    nn_rng_seed(&r, 5, 0);
    double worst = 0;
    for (int k = 0; k < 200; k++) {
        const int H = 1 + (int)nn_rng_below(&r, 40), W = 1 + (int)nn_rng_below(&r, 40);
        const nn_affine t = affine(20 * nn_rng_uniform(&r) - 10, 20 * nn_rng_uniform(&r) - 10,
                                   360 * nn_rng_uniform(&r) - 180, 0.2 + 1.6 * nn_rng_uniform(&r),
                                   120 * nn_rng_uniform(&r) - 60);
        double m[6];
        nn_affine_matrix(m, &t, H, W);
        const double th = t.rotate * PI / 180, kk = tan(t.shear * PI / 180);
        const double A[2][2] = {{cos(th) * t.scale, (cos(th) * kk - sin(th)) * t.scale},
                                {sin(th) * t.scale, (sin(th) * kk + cos(th)) * t.scale}};
        const double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;
        for (int y = 0; y < H; y += 3)
            for (int x = 0; x < W; x += 3) {
                const double sx = m[0] * x + m[1] * y + m[2], sy = m[3] * x + m[4] * y + m[5];
                const double fx = cx + t.tx + A[0][0] * (sx - cx) + A[0][1] * (sy - cy);
                const double fy = cy + t.ty + A[1][0] * (sx - cx) + A[1][1] * (sy - cy);
                worst = fmax(worst, fmax(fabs(fx - x), fabs(fy - y)));
            }
    }
    printf("  matrix: worst round trip %.3g px\n", worst);
    CHECK(worst < 1e-9);
    /* a 45° shear slants columns: m = [1, −1; 0, 1] about the centre */
    double m[6];
    const nn_affine t = affine(0, 0, 0, 1, 45);
    nn_affine_matrix(m, &t, 5, 5);
    const double want[6] = {1, -1, 2, 0, 1, 0}; /* sx = x − y + 2: the centre stays */
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(m[i], want[i], MAT_TOL);
}

/* ---- the draws ------------------------------------------------------------------------------ */

/* a batch is draw → matrix → apply per sample in order, exactly NN_AUGMENT_DRAWS uniforms a
 * sample whatever the images hold (here random values, then all NaN) and whatever the ranges
 * (here some 0) */
static void test_draws(void) {
    enum { B = 6, H = 9, W = 8, C = 2, N = H * W * C };
    const nn_augment_spec specs[3] = {
        {0.1f, 15, 0.1f, 10}, {0, 30, 0, 0}, {0.2f, 0, 0, 0}};
    float *src = falloc((size_t)B * N), *nan_src = falloc((size_t)B * N);
    float *dst = falloc((size_t)B * N), *want = falloc((size_t)B * N);
    nn_rng r;
    nn_rng_seed(&r, 3, 0);
    fill(src, (size_t)B * N, &r);
    for (size_t i = 0; i < (size_t)B * N; i++)
        nan_src[i] = NAN;
    for (int k = 0; k < 3; k++) {
        CHECK_STATUS(nn_augment_check(&specs[k], NULL), NN_OK);
        nn_rng a, b, c, d;
        nn_rng_seed(&a, 42, 9);
        b = c = d = a;
        nn_augment_batch(dst, src, B, H, W, C, &specs[k], &a);
        for (int s = 0; s < B; s++) {
            nn_affine t;
            nn_augment_draw(&t, &specs[k], H, W, &b);
            apply(want + (size_t)s * N, src + (size_t)s * N, H, W, C, t);
        }
        CHECK(same_bits(dst, want, (size_t)B * N));
        CHECK(same_rng(&a, &b));
        for (int i = 0; i < B * NN_AUGMENT_DRAWS; i++)
            nn_rng_u32(&c);
        CHECK(same_rng(&a, &c));
        nn_augment_batch(dst, nan_src, B, H, W, C, &specs[k], &d);
        CHECK(same_rng(&a, &d));
    }
    free(src);
    free(nan_src);
    free(dst);
    free(want);
}

/* the same seed gives the same bits; another seed or stream other bits; the draws differ from
 * sample to sample */
static void test_seed(void) {
    enum { B = 4, H = 12, W = 10, C = 1, N = B * H * W * C };
    const nn_augment_spec a = {0.1f, 15, 0.1f, 10};
    float *src = falloc(N), *x = falloc(N), *y = falloc(N);
    nn_rng r;
    nn_rng_seed(&r, 1, 0);
    fill(src, N, &r);
    nn_rng s1, s2;
    nn_rng_seed(&s1, 123, 1);
    nn_rng_seed(&s2, 123, 1);
    nn_augment_batch(x, src, B, H, W, C, &a, &s1);
    nn_augment_batch(y, src, B, H, W, C, &a, &s2);
    CHECK(same_bits(x, y, N));
    nn_rng_seed(&s2, 124, 1);
    nn_augment_batch(y, src, B, H, W, C, &a, &s2);
    CHECK(!same_bits(x, y, N));
    nn_rng_seed(&s2, 123, 2);
    nn_augment_batch(y, src, B, H, W, C, &a, &s2);
    CHECK(!same_bits(x, y, N));
    /* one image repeated: each copy comes out different */
    for (int b = 1; b < B; b++)
        memcpy(src + b * H * W * C, src, H * W * C * sizeof *src);
    nn_augment_batch(x, src, B, H, W, C, &a, &s1);
    for (int b = 1; b < B; b++)
        CHECK(!same_bits(x, x + b * H * W * C, H * W * C));
    free(src);
    free(x);
    free(y);
}

/* Over many draws the transform actually applied, read back from the matrix (the zoom from its
 * determinant, the angle and shear from its inverse's columns, the shift from where the
 * source's centre lands), equals the draw, stays inside every range, reaches near both ends
 * and averages near 0 (uniform: the mean of 4000 draws is within 0.03 of the range at 3
 * standard errors; 0.05 allowed) */
static void test_ranges(void) {
    enum { N = 4000, H = 28, W = 20 };
    const nn_augment_spec a = {0.1f, 15, 0.2f, 10};
    const double lim[5] = {0.1 * W, 0.1 * H, 15, 0.2, 10}; /* tx, ty, rotate, scale − 1, shear */
    double lo[5], hi[5], mean[5] = {0}, worst = 0;
    for (int i = 0; i < 5; i++)
        lo[i] = 1e9, hi[i] = -1e9;
    nn_rng r;
    nn_rng_seed(&r, 2024, 3);
    for (int k = 0; k < N; k++) {
        nn_affine t;
        double m[6];
        nn_augment_draw(&t, &a, H, W, &r);
        nn_affine_matrix(m, &t, H, W);
        const double det = m[0] * m[4] - m[1] * m[3];
        const double A[2][2] = {{m[4] / det, -m[1] / det}, {-m[3] / det, m[0] / det}};
        const double s = 1 / sqrt(det), th = atan2(A[1][0], A[0][0]);
        const double kk = (cos(th) * A[0][1] + sin(th) * A[1][1]) / s;
        const double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;
        /* the output point whose source is the centre: A·(c − t) */
        const double px = A[0][0] * (cx - m[2]) + A[0][1] * (cy - m[5]);
        const double py = A[1][0] * (cx - m[2]) + A[1][1] * (cy - m[5]);
        const double got[5] = {px - cx, py - cy, th * 180 / PI, s - 1, atan(kk) * 180 / PI};
        const double drawn[5] = {t.tx, t.ty, t.rotate, t.scale - 1, t.shear};
        for (int i = 0; i < 5; i++) {
            worst = fmax(worst, fabs(got[i] - drawn[i]));
            lo[i] = fmin(lo[i], got[i]);
            hi[i] = fmax(hi[i], got[i]);
            mean[i] += got[i] / N;
        }
    }
    printf("  ranges: applied vs drawn within %.3g\n", worst);
    CHECK(worst < 1e-9);
    for (int i = 0; i < 5; i++) {
        CHECK(hi[i] <= lim[i] && lo[i] >= -lim[i]);
        CHECK(hi[i] > 0.99 * lim[i] && lo[i] < -0.99 * lim[i]);
        CHECK(fabs(mean[i]) < 0.05 * lim[i]);
    }
}

/* A digit under small transforms (shift 10%, 15°, zoom ±10%, shear 10°) stays in the frame:
 * its ink is its area times the zoom² (the Jacobian) within what resampling a 2.5-pixel stroke
 * and a little clipping move (worst printed; 3% allowed), and its centre of mass lands where
 * the shift puts the image centre (the ring is centred, so rotation, zoom and shear keep it
 * there) within half a pixel */
static void test_digit(void) {
    enum { S = 28, N = S * S };
    const nn_augment_spec a = {0.1f, 15, 0.1f, 10};
    float src[N], dst[N];
    digit(src);
    const double ink = sum(src, N);
    nn_rng r;
    nn_rng_seed(&r, 99, 0);
    double worst = 0, moved = 0;
    for (int k = 0; k < 500; k++) {
        nn_affine t;
        nn_augment_draw(&t, &a, S, S, &r);
        apply(dst, src, S, S, 1, t);
        const double mass = sum(dst, N);
        worst = fmax(worst, fabs(mass / (ink * t.scale * t.scale) - 1));
        double mx = 0, my = 0;
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                mx += x * (double)dst[y * S + x] / mass;
                my += y * (double)dst[y * S + x] / mass;
            }
        moved = fmax(moved, fmax(fabs(mx - 13.5 - t.tx), fabs(my - 13.5 - t.ty)));
    }
    printf("  digit: ink within %.3g of area·zoom², centre of mass within %.3g px of the shift\n",
           worst, moved);
    CHECK(worst < 0.03);
    CHECK(moved < 0.5);
}

/* The same bits natively and in wasm: a checksum of one seeded batch, recorded from the native
 * build and checked by both (test_augment_simd128 runs this file in Node). A change to the
 * drawing, the matrix or the interpolation changes it on purpose: record the new value. */
static void test_golden(void) {
    enum { B = 4, H = 28, W = 28, C = 3, N = B * H * W * C };
    const nn_augment_spec a = {0.15f, 30, 0.2f, 20};
    float *src = falloc(N), *dst = falloc(N);
    nn_rng r;
    nn_rng_seed(&r, 13, 13);
    fill(src, N, &r);
    nn_augment_batch(dst, src, B, H, W, C, &a, &r);
    const uint32_t crc = nn_crc32(0, (const uint8_t *)dst, N * sizeof *dst);
    printf("  golden: crc 0x%08x, rng state 0x%016llx\n", crc, (unsigned long long)r.state);
    CHECK_INT(crc, 0xee7447f0u);
    CHECK_INT(r.state, 0xacae554d6e1fb4a7ull);
    free(src);
    free(dst);
}

/* ---- the spec check ------------------------------------------------------------------------- */

static void check_bad(nn_augment_spec a, const char *msg) {
    nn_error e;
    CHECK_STATUS(nn_augment_check(&a, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, msg);
    if (strcmp(e.message, msg) != 0)
        printf("  got \"%s\"\n  want \"%s\"\n", e.message, msg);
}

static void test_check(void) {
    const nn_augment_spec ok[3] = {{1, 180, 0.999f, 89.9f}, {0.1f, 15, 0.1f, 10}, {0, 0, 0, 0}};
    for (int k = 0; k < 3; k++)
        CHECK_STATUS(nn_augment_check(&ok[k], NULL), NN_OK);
    CHECK_STATUS(nn_augment_check(NULL, NULL), NN_OK);
    check_bad((nn_augment_spec){-0.1f, 0, 0, 0},
              "augment shift -0.1 must be at least 0 and at most 1 "
              "(a fraction of the width and height)");
    check_bad((nn_augment_spec){1.5f, 0, 0, 0},
              "augment shift 1.5 must be at least 0 and at most 1 "
              "(a fraction of the width and height)");
    check_bad((nn_augment_spec){NAN, 0, 0, 0}, "augment shift nan is not a finite number");
    check_bad((nn_augment_spec){0, 181, 0, 0},
              "augment rotate 181 must be at least 0 and at most 180 (degrees)");
    check_bad((nn_augment_spec){0, -5, 0, 0},
              "augment rotate -5 must be at least 0 and at most 180 (degrees)");
    check_bad((nn_augment_spec){0, INFINITY, 0, 0}, "augment rotate inf is not a finite number");
    check_bad((nn_augment_spec){0, 0, 1, 0},
              "augment scale 1 must be at least 0 and below 1 (the zoom factor is 1 ± scale)");
    check_bad((nn_augment_spec){0, 0, -0.5f, 0},
              "augment scale -0.5 must be at least 0 and below 1 (the zoom factor is 1 ± scale)");
    check_bad((nn_augment_spec){0, 0, NAN, 0}, "augment scale nan is not a finite number");
    check_bad((nn_augment_spec){0, 0, 0, 90},
              "augment shear 90 must be at least 0 and below 90 (degrees)");
    check_bad((nn_augment_spec){0, 0, 0, -INFINITY}, "augment shear -inf is not a finite number");
    /* the first bad field in order shift, rotate, scale, shear is named */
    check_bad((nn_augment_spec){0, 200, 2, NAN},
              "augment rotate 200 must be at least 0 and at most 180 (degrees)");
}

int main(void) {
    test_off();
    test_shift();
    test_rotate90();
    test_scale();
    test_bilinear();
    test_matrix();
    test_draws();
    test_seed();
    test_ranges();
    test_digit();
    test_golden();
    test_check();
    return check_report();
}
