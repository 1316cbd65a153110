/*
 * conv.c — the numeric building blocks of a 2-D convolution layer: the geometry of a sliding
 * window (shared with pool.c), im2col / col2im, and conv2d forward and backward as GEMMs on the
 * im2col matrix, by the patch kernels of kernels.h.
 *
 * Layout NHWC, as TensorFlow: a batch of B images of H rows × W columns × C channels, channels
 * last, row-major f32, so x[((b·H + h)·W + w)·C + c]. Filters are stored (KH, KW, C, F), i.e.
 * as the matrix (KH·KW·C, F): W[((kh·KW + kw)·C + c)·F + f]. The im2col matrix has one row
 * per output pixel (b, oh, ow) and one column per patch element (kh, kw, c), in that order, so
 *
 *     y (B·OH·OW, F) = cols (B·OH·OW, KH·KW·C) · W (KH·KW·C, F) + b (F)
 *
 * is the output (B, OH, OW, F), NHWC again, with no reordering. The patch kernels read that
 * matrix from x as they go instead of writing it out (3.7 MB for the first layer of the MNIST
 * recipe at batch 64, which then passed through memory twice), and the SIMD ones skip zero
 * terms: patch elements zero in all the rows of a tile (the background of sparse images), and
 * the zeros of dy (ReLU's, and the max pool's, which passes one gradient in four).
 *
 * The sums are those of nn_gemm on the written-out matrix, in the same order, so the scalar
 * and simd128 builds compute the same bits (with the GEMM's one caveat: a skipped zero times an
 * infinite or NaN value would have been NaN in the scalar loops; training stops before values
 * get there). Every other loop here is a copy or an elementwise add. Nothing allocates: the
 * caller passes workspaces sized by nn_conv2d_cols_size and nn_conv2d_wt_size. */
#include "kernels.h"
#include "nn_internal.h"

#include <limits.h>
#include <string.h>

/* output size and padding of one dimension: n input positions, window k, stride s */
static void dim(int n, int k, int s, int padding, int *out, int *pad_lo, int *pad_hi) {
    if (padding == NN_PAD_VALID) {
        *out = (n - k) / s + 1;
        *pad_lo = *pad_hi = 0;
        return;
    }
    /* TensorFlow's 'same': ceil(n / s) outputs; the padding the last window needs, split with
     * the smaller half before */
    const int64_t o = ((int64_t)n + s - 1) / s;
    int64_t total = (o - 1) * s + k - n;
    if (total < 0)
        total = 0;
    *out = (int)o;
    *pad_lo = (int)(total / 2);
    *pad_hi = (int)(total - total / 2);
}

nn_status nn_window_init(nn_window *g, int H, int W, int C, int KH, int KW, int sh, int sw,
                         int padding, nn_error *err) {
    if (!g)
        return nn_fail(err, NN_ERR_ARG, "window geometry is NULL");
    memset(g, 0, sizeof *g);
    const int in[3] = {H, W, C};
    const char *const in_names[3] = {"input height", "input width", "channels"};
    for (int i = 0; i < 3; i++)
        if (in[i] < 1)
            return nn_fail(err, NN_ERR_ARG, "%s %d must be at least 1", in_names[i], in[i]);
    if (KH < 1 || KW < 1)
        return nn_fail(err, NN_ERR_ARG, "kernel %s %d must be at least 1",
                       KH < 1 ? "height" : "width", KH < 1 ? KH : KW);
    if (sh < 1 || sw < 1)
        return nn_fail(err, NN_ERR_ARG, "stride %s %d must be at least 1",
                       sh < 1 ? "height" : "width", sh < 1 ? sh : sw);
    if (padding != NN_PAD_VALID && padding != NN_PAD_SAME)
        return nn_fail(err, NN_ERR_ARG, "padding %d is unknown (0 valid, 1 same)", padding);
    if (padding == NN_PAD_VALID && (KH > H || KW > W))
        return nn_fail(err, NN_ERR_ARG,
                       "kernel %s %d is larger than the input %s %d (padding 'valid')",
                       KH > H ? "height" : "width", KH > H ? KH : KW,
                       KH > H ? "height" : "width", KH > H ? H : W);
    /* every index below fits an int: the elements of an image, of a patch, and a window's
     * reach beyond the input */
    if ((int64_t)H * W * C > INT_MAX || (int64_t)KH * KW * C > INT_MAX ||
        (int64_t)H + KH > INT_MAX || (int64_t)W + KW > INT_MAX)
        return nn_fail(err, NN_ERR_ARG,
                       "input %dx%dx%d with kernel %dx%d is too large (more than %d elements)",
                       H, W, C, KH, KW, INT_MAX);
    g->H = H;
    g->W = W;
    g->C = C;
    g->KH = KH;
    g->KW = KW;
    g->sh = sh;
    g->sw = sw;
    g->padding = padding;
    dim(H, KH, sh, padding, &g->OH, &g->pad_top, &g->pad_bottom);
    dim(W, KW, sw, padding, &g->OW, &g->pad_left, &g->pad_right);
    return NN_OK;
}

size_t nn_conv2d_cols_size(const nn_window *g, int B) {
    return (size_t)B * (size_t)g->OH * (size_t)g->OW * ((size_t)g->KH * g->KW * g->C);
}

size_t nn_conv2d_wt_size(const nn_window *g, int F) {
    return (size_t)F * ((size_t)g->KH * g->KW * g->C);
}

/* d (n) = s (n). The runs are short (a patch row: KW·C values, 5 for a 5×5 kernel on one
 * channel), and a memcpy call, which compilers make of a plain copy loop, costs more to enter
 * than the copy: fixed 16-byte moves are inlined instead (one vector load and store). */
static inline void copy_run(float *d, const float *s, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        memcpy(d + i, s + i, 4 * sizeof *d);
    const size_t t = n - i;
    if (t > 0)
        d[i] = s[i];
    if (t > 1)
        d[i + 1] = s[i + 1];
    if (t > 2)
        d[i + 2] = s[i + 2];
}

/* d (n) += s (n), in 4-value steps for the same reason (elementwise: any vectorising keeps
 * every bit) */
static inline void add_run(float *d, const float *s, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        d[i] += s[i];
        d[i + 1] += s[i + 1];
        d[i + 2] += s[i + 2];
        d[i + 3] += s[i + 3];
    }
    for (; i < n; i++)
        d[i] += s[i];
}

/* The columns kw of a window starting at input column w0 that fall inside the input:
 * [*kw0, *kw1). Every window of a valid geometry holds at least one column ('same' pads less
 * than a window on each side), so *kw0 < *kw1. */
static void inside(int w0, int KW, int n, int *kw0, int *kw1) {
    *kw0 = w0 < 0 ? -w0 : 0;
    *kw1 = w0 + KW > n ? n - w0 : KW;
}

void nn_im2col(float *cols, const float *x, const nn_window *g, int B) {
    const int C = g->C, KH = g->KH, KW = g->KW, IH = g->H, IW = g->W;
    const size_t seg = (size_t)KW * C, row = (size_t)KH * seg, img = (size_t)IH * IW * C;
    float *d = cols;
    NN_PROF(-1, NN_PROF_IM2COL);
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * img;
        for (int oh = 0; oh < g->OH; oh++) {
            const int h0 = oh * g->sh - g->pad_top;
            for (int ow = 0; ow < g->OW; ow++, d += row) {
                const int w0 = ow * g->sw - g->pad_left;
                int kw0, kw1;
                inside(w0, KW, IW, &kw0, &kw1);
                const size_t lo = (size_t)kw0 * C, n = (size_t)(kw1 - kw0) * C;
                for (int kh = 0; kh < KH; kh++) {
                    float *dk = d + (size_t)kh * seg;
                    const int h = h0 + kh;
                    if (h < 0 || h >= IH) {     /* a padding row */
                        memset(dk, 0, seg * sizeof *dk);
                        continue;
                    }
                    /* one run of the input row, contiguous in NHWC: KW·C values when the
                     * window is inside, fewer with padding columns (zeros) around it */
                    const float *s = xb + ((size_t)h * IW + (size_t)(w0 + kw0)) * C;
                    if (lo)
                        memset(dk, 0, lo * sizeof *dk);
                    copy_run(dk + lo, s, n);
                    if (lo + n < seg)
                        memset(dk + lo + n, 0, (seg - lo - n) * sizeof *dk);
                }
            }
        }
    }
}

void nn_col2im(float *dx, const float *cols, const nn_window *g, int B) {
    const int C = g->C, KH = g->KH, KW = g->KW, IH = g->H, IW = g->W;
    const size_t seg = (size_t)KW * C, row = (size_t)KH * seg, img = (size_t)IH * IW * C;
    NN_PROF(-1, NN_PROF_COL2IM);
    memset(dx, 0, (size_t)B * img * sizeof *dx);
    const float *d = cols;
    /* each dx element receives its terms in increasing row (output pixel) order, one term per
     * row at most: a fixed order, so the result does not depend on the build */
    for (int b = 0; b < B; b++) {
        float *xb = dx + (size_t)b * img;
        for (int oh = 0; oh < g->OH; oh++) {
            const int h0 = oh * g->sh - g->pad_top;
            for (int ow = 0; ow < g->OW; ow++, d += row) {
                const int w0 = ow * g->sw - g->pad_left;
                int kw0, kw1;
                inside(w0, KW, IW, &kw0, &kw1);
                const size_t lo = (size_t)kw0 * C, n = (size_t)(kw1 - kw0) * C;
                for (int kh = 0; kh < KH; kh++) {
                    const int h = h0 + kh;
                    if (h < 0 || h >= IH)
                        continue;               /* padding has no gradient */
                    const float *s = d + (size_t)kh * seg + lo;
                    float *t = xb + ((size_t)h * IW + (size_t)(w0 + kw0)) * C;
                    add_run(t, s, n);
                }
            }
        }
    }
}

/* ---- conv2d ------------------------------------------------------------------------------
 * By the patch GEMMs of kernels.h, which read the windows from x instead of from an im2col
 * copy (they sum in the order nn_gemm sums on the copy: the same bits). They need every window
 * inside the image, so 'same' padding is written out first: x into the workspace with its zero
 * rows and columns around it. Should the workspace not hold the padded batch (a stride larger
 * than the kernel, where the windows leave gaps), the im2col matrix is written out and
 * multiplied by nn_gemm as before. */

/* the patches of x under g as kernels.h describes them: of x itself, or of x padded into
 * cols; 0 when cols cannot hold the padded batch plus `extra` floats */
static int patches_of(nn_patches *p, const float **src, float *cols, const float *x,
                      const nn_window *g, int B, size_t extra) {
    const int pads = g->pad_top | g->pad_bottom | g->pad_left | g->pad_right;
    const int H = g->H + g->pad_top + g->pad_bottom, W = g->W + g->pad_left + g->pad_right;
    const nn_patches q = {B, H, W, g->C, g->KH, g->KW, g->sh, g->sw, g->OH, g->OW};
    *p = q;
    *src = x;
    if (!pads)
        return 1;
    const size_t padded = (size_t)B * H * W * g->C;
    if (padded + extra > nn_conv2d_cols_size(g, B))
        return 0;
    const size_t row = (size_t)g->W * g->C;
    memset(cols, 0, padded * sizeof *cols);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < g->H; h++)
            memcpy(cols + (((size_t)b * H + (size_t)(h + g->pad_top)) * W + g->pad_left) * g->C,
                   x + ((size_t)b * g->H + h) * row, row * sizeof *cols);
    *src = cols;
    return 1;
}

/* y (B·OH·OW, F) = patches(x) · W + b */
void nn_conv2d_forward(float *y, float *cols, const float *x, const float *W, const float *b,
                       const nn_window *g, int F, int B) {
    nn_patches p;
    const float *src;
    if (patches_of(&p, &src, cols, x, g, B, 0)) {
        NN_PROF(-1, NN_PROF_GEMM);
        nn_patch_gemm(y, src, &p, W, b, F);
        return;
    }
    const int M = B * g->OH * g->OW, K = g->KH * g->KW * g->C;
    nn_im2col(cols, x, g, B);
    NN_PROF(-1, NN_PROF_GEMM);
    nn_gemm(0, 0, M, F, K, cols, W, y, 0);
    NN_PROF(-1, NN_PROF_BIAS);
    if (b)
        nn_add_row(y, b, M, F);
}

/* dW += patches(x)ᵀ·dy; db += Σ_rows dy; dx = col2im(dy·Wᵀ), through wt = Wᵀ (F, K) so the
 * product runs in the GEMM's fast untransposed form with dy as A, whose zeros (ReLU's and the
 * max pool's) it skips */
void nn_conv2d_backward(float *dx, float *dW, float *db, float *cols, float *wt,
                        const float *dy, const float *x, const float *W, const nn_window *g,
                        int F, int B) {
    const int M = B * g->OH * g->OW, K = g->KH * g->KW * g->C;
    nn_patches p;
    const float *src;
    /* the padded batch, then (dx) a row of dy·Wᵀ in the workspace after it */
    if (patches_of(&p, &src, cols, x, g, B, dx ? (size_t)K : 0)) {
        NN_PROF(-1, NN_PROF_GEMM_DW);
        nn_patch_gemm_tn(dW, db, src, &p, dy, F);
        if (dx) {
            NN_PROF(-1, NN_PROF_TRANSPOSE);
            nn_transpose(wt, W, K, F);
            NN_PROF(-1, NN_PROF_GEMM_DX);
            float *scratch = src == x ? cols : cols + (size_t)B * p.H * p.W * g->C;
            nn_patch_col2im(dx, g->H, g->W, g->pad_top, g->pad_left, &p, dy, wt, F, scratch);
        }
        return;
    }
    nn_im2col(cols, x, g, B);
    NN_PROF(-1, NN_PROF_GEMM_DW);
    nn_gemm(1, 0, K, F, M, cols, dy, dW, 1);
    NN_PROF(-1, NN_PROF_DB);
    if (db)
        nn_sum_rows(db, dy, M, F);
    if (dx) {
        NN_PROF(-1, NN_PROF_TRANSPOSE);
        nn_transpose(wt, W, K, F);
        NN_PROF(-1, NN_PROF_GEMM_DX);
        nn_gemm(0, 0, M, K, F, dy, wt, cols, 0);
        nn_col2im(dx, cols, g, B);
    }
}
