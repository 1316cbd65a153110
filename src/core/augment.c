/*
 * augment.c — data augmentation for image inputs (issue #13): seeded random affine transforms
 * (shift, rotation, zoom, shear) of a batch of images, resampled bilinearly.
 *
 * Layout NHWC as in conv.c: B images of H rows × W columns × C channels, x[((b·H + y)·W + x)·C
 * + c]. Pixel centres sit at integer coordinates (x = column, rightwards; y = row, downwards);
 * the image centre is ((W − 1)/2, (H − 1)/2). A sample's transform moves its content by
 *
 *     p_out = centre + T + A·(p_in − centre),   A = R(θ)·Sh(φ)·s
 *
 * with R(θ) = [cos θ, −sin θ; sin θ, cos θ] (with y downwards a positive θ turns the content
 * clockwise as displayed), Sh(φ) = [1, tan φ; 0, 1] and s the zoom factor. Each output pixel is
 * inverse-mapped, p_in = M·p_out + t, and read bilinearly from its four source neighbours;
 * neighbours outside the image read 0 (the background), so the content fades out at the edges.
 *
 * Determinism: the same rng state gives the same bits natively and in WebAssembly. The angles
 * go through nn_sin / nn_cos (nn_math.c, no libm), the matrix and the source coordinates are
 * computed in double and the interpolation in float, each in one fixed order (the build uses
 * -ffp-contract=off, so nothing is fused). Floor is done with an int conversion, not libm.
 * Every sample draws exactly NN_AUGMENT_DRAWS uniforms whatever the ranges and the pixels;
 * an all-zero spec draws nothing and copies the images bit for bit, so turning augmentation
 * off leaves every other use of the generator (and so today's training bits) unchanged.
 */
#include "nn_internal.h"

#include <string.h>

#define DEG 0.017453292519943295 /* π/180 */

/* ---- the spec ----------------------------------------------------------------------------- */

int nn_augment_on(const nn_augment_spec *a) {
    return a && (a->shift != 0.0f || a->rotate != 0.0f || a->scale != 0.0f || a->shear != 0.0f);
}

nn_status nn_augment_check(const nn_augment_spec *a, nn_error *err) {
    if (!a)
        return NN_OK; /* off */
    /* each field: its name, its largest value, whether that value itself is allowed, and
     * what it means */
    const struct {
        const char *name;
        float v, max;
        int max_ok;
        const char *unit;
    } f[4] = {
        {"shift", a->shift, 1.0f, 1, "a fraction of the width and height"},
        {"rotate", a->rotate, 180.0f, 1, "degrees"},
        {"scale", a->scale, 1.0f, 0, "the zoom factor is 1 ± scale"},
        {"shear", a->shear, 90.0f, 0, "degrees"},
    };
    for (int i = 0; i < 4; i++) {
        const float v = f[i].v;
        if (!(v - v == 0.0f)) /* NaN or ±inf */
            return nn_fail(err, NN_ERR_ARG, "augment %s %g is not a finite number", f[i].name,
                           (double)v);
        if (f[i].max_ok && (v < 0.0f || v > f[i].max))
            return nn_fail(err, NN_ERR_ARG, "augment %s %g must be at least 0 and at most %g (%s)",
                           f[i].name, (double)v, (double)f[i].max, f[i].unit);
        if (!f[i].max_ok && (v < 0.0f || v >= f[i].max))
            return nn_fail(err, NN_ERR_ARG, "augment %s %g must be at least 0 and below %g (%s)",
                           f[i].name, (double)v, (double)f[i].max, f[i].unit);
    }
    return NN_OK;
}

/* ---- one sample's transform --------------------------------------------------------------- */

/* r·(2u − 1): uniform in (−r, r) */
static double sym(nn_rng *rng, float r) { return (double)r * (2.0 * nn_rng_uniform(rng) - 1.0); }

void nn_augment_draw(nn_affine *t, const nn_augment_spec *a, int H, int W, nn_rng *rng) {
    /* always these five draws, in this order, so the stream does not depend on the values */
    t->tx = sym(rng, a->shift) * (double)W;
    t->ty = sym(rng, a->shift) * (double)H;
    t->rotate = sym(rng, a->rotate);
    t->scale = 1.0 + sym(rng, a->scale);
    t->shear = sym(rng, a->shear);
}

/* M = A⁻¹ = s⁻¹·Sh(−φ)·R(−θ) = s⁻¹·[cos θ + k·sin θ, sin θ − k·cos θ; −sin θ, cos θ], k = tan φ;
 * t = centre − M·(centre + T) */
void nn_affine_matrix(double m[6], const nn_affine *t, int H, int W) {
    const double th = t->rotate * DEG, ph = t->shear * DEG;
    const double c = nn_cos(th), s = nn_sin(th), k = nn_sin(ph) / nn_cos(ph);
    const double inv = 1.0 / t->scale;
    m[0] = (c + k * s) * inv;
    m[1] = (s - k * c) * inv;
    m[3] = -s * inv;
    m[4] = c * inv;
    const double cx = 0.5 * (double)(W - 1), cy = 0.5 * (double)(H - 1);
    const double ox = cx + t->tx, oy = cy + t->ty;
    m[2] = cx - (m[0] * ox + m[1] * oy);
    m[5] = cy - (m[3] * ox + m[4] * oy);
}

/* ---- resampling --------------------------------------------------------------------------- */

/* (1 − f)·a + f·b with a missing neighbour (NULL) read as 0; f = 0 returns a itself, so
 * whole-pixel positions copy bits exactly (−0, NaN and the neighbour's value never enter) */
static float lerp(const float *a, const float *b, int c, float f) {
    const float va = a ? a[c] : 0.0f;
    if (f == 0.0f)
        return va;
    const float vb = b ? b[c] : 0.0f;
    return (1.0f - f) * va + f * vb;
}

/* floor of v for −1 < v < INT_MAX, without libm */
static int ifloor(double v) {
    int i = (int)v; /* truncates toward 0 */
    return (double)i > v ? i - 1 : i;
}

void nn_affine_apply(float *dst, const float *src, int H, int W, int C, const double m[6]) {
    const size_t row = (size_t)W * (size_t)C;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float *o = dst + (size_t)y * row + (size_t)x * (size_t)C;
            const double sx = m[0] * (double)x + m[1] * (double)y + m[2];
            const double sy = m[3] * (double)x + m[4] * (double)y + m[5];
            /* all four neighbours outside: the background */
            if (!(sx > -1.0 && sx < (double)W && sy > -1.0 && sy < (double)H)) {
                for (int c = 0; c < C; c++)
                    o[c] = 0.0f;
                continue;
            }
            const int x0 = ifloor(sx), y0 = ifloor(sy);
            const float fx = (float)(sx - (double)x0), fy = (float)(sy - (double)y0);
            /* the neighbours (x0, y0), (x0+1, y0), (x0, y0+1), (x0+1, y0+1); NULL outside */
            const int xin0 = x0 >= 0, xin1 = x0 + 1 < W, yin0 = y0 >= 0, yin1 = y0 + 1 < H;
            /* index of (x0, y0), wrapping modulo 2⁶⁴ when x0 or y0 is −1; a pointer is only
             * formed from the in-range sums */
            const size_t i00 = (size_t)y0 * row + (size_t)x0 * (size_t)C;
            const float *p00 = xin0 && yin0 ? src + i00 : NULL;
            const float *p01 = xin1 && yin0 ? src + (i00 + (size_t)C) : NULL;
            const float *p10 = xin0 && yin1 ? src + (i00 + row) : NULL;
            const float *p11 = xin1 && yin1 ? src + (i00 + row + (size_t)C) : NULL;
            for (int c = 0; c < C; c++) {
                const float top = lerp(p00, p01, c, fx);
                o[c] = fy == 0.0f ? top : (1.0f - fy) * top + fy * lerp(p10, p11, c, fx);
            }
        }
}

/* ---- a batch ------------------------------------------------------------------------------ */

void nn_augment_batch(float *dst, const float *src, int B, int H, int W, int C,
                      const nn_augment_spec *a, nn_rng *rng) {
    const size_t n = (size_t)H * (size_t)W * (size_t)C;
    if (!nn_augment_on(a)) {
        memcpy(dst, src, (size_t)B * n * sizeof *dst);
        return;
    }
    for (int b = 0; b < B; b++) {
        nn_affine t;
        double m[6];
        nn_augment_draw(&t, a, H, W, rng);
        nn_affine_matrix(m, &t, H, W);
        nn_affine_apply(dst + (size_t)b * n, src + (size_t)b * n, H, W, C, m);
    }
}
