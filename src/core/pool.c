/*
 * pool.c — max and average pooling over NHWC batches (see conv.c for the layout), forward and
 * backward, with the window geometry of nn_window_init: 'valid', and 'same' as TensorFlow
 * pools (padding positions are left out: never the maximum, not counted in the mean).
 *
 * Output (B, OH, OW, C), one value per channel and window. The max pool keeps, per output,
 * the index of its maximum within the input image, (h·W + w)·C + c, for backward. Each max
 * window is kernels.h's nn_max_window (compares and selects on 4 channels at a time in the
 * SIMD build: V8 turns scalar float compares into branches, which mispredict on image data);
 * the rest are plain loops in a fixed order, the same in the scalar and simd128 builds.
 * Nothing allocates.
 */
#include "kernels.h"
#include "nn_internal.h"

#include <string.h>

/* rows [*lo, *hi) of the input covered by window o along a dimension of n positions */
static void span(int o, int stride, int pad, int k, int n, int *lo, int *hi) {
    const int start = o * stride - pad;
    *lo = start < 0 ? 0 : start;
    *hi = start + k > n ? n : start + k;
}

size_t nn_maxpool2d_arg_size(const nn_window *g, int B) {
    return (size_t)B * (size_t)g->OH * (size_t)g->OW * (size_t)g->C;
}

/* Per channel, the first maximum in row-major window order (compared with >, so −0 and +0
 * tie); a NaN in the window wins over every number, the first NaN if there are several, so a
 * NaN input shows in the output (as PyTorch's max_pool2d) instead of vanishing */
void nn_maxpool2d_forward(float *y, int32_t *arg, const float *x, const nn_window *g, int B) {
    const int C = g->C, IH = g->H, IW = g->W;
    const size_t img = (size_t)IH * IW * C;
    float *yo = y;
    int32_t *ao = arg;
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * img;
        for (int oh = 0; oh < g->OH; oh++) {
            int h0, h1;
            span(oh, g->sh, g->pad_top, g->KH, IH, &h0, &h1);
            for (int ow = 0; ow < g->OW; ow++, yo += C, ao += C) {
                int w0, w1;
                span(ow, g->sw, g->pad_left, g->KW, IW, &w0, &w1);
                nn_max_window(yo, ao, xb, h0, h1, w0, w1, IW, C);
            }
        }
    }
}

/* dx = 0, then each dy goes to its argmax, in output order (overlapping windows add up) */
void nn_maxpool2d_backward(float *dx, const float *dy, const int32_t *arg, const nn_window *g,
                           int B) {
    const size_t img = (size_t)g->H * g->W * g->C, outs = (size_t)g->OH * g->OW * g->C;
    memset(dx, 0, (size_t)B * img * sizeof *dx);
    for (int b = 0; b < B; b++) {
        float *xb = dx + (size_t)b * img;
        const float *d = dy + (size_t)b * outs;
        const int32_t *a = arg + (size_t)b * outs;
        for (size_t i = 0; i < outs; i++)
            xb[a[i]] += d[i];
    }
}

/* y = the sum of the window's inputs in row-major window order, divided by their count (every
 * position with 'valid'; with 'same', those inside the input). NaN and ±inf propagate. */
void nn_avgpool2d_forward(float *y, const float *x, const nn_window *g, int B) {
    const int C = g->C, IH = g->H, IW = g->W;
    const size_t img = (size_t)IH * IW * C;
    float *yo = y;
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * img;
        for (int oh = 0; oh < g->OH; oh++) {
            int h0, h1;
            span(oh, g->sh, g->pad_top, g->KH, IH, &h0, &h1);
            for (int ow = 0; ow < g->OW; ow++, yo += C) {
                int w0, w1;
                span(ow, g->sw, g->pad_left, g->KW, IW, &w0, &w1);
                const float n = (float)((h1 - h0) * (w1 - w0));
                for (int c = 0; c < C; c++)
                    yo[c] = 0.0f;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) {
                        const float *s = xb + ((size_t)h * IW + w) * C;
                        for (int c = 0; c < C; c++)
                            yo[c] += s[c];
                    }
                for (int c = 0; c < C; c++)
                    yo[c] /= n;
            }
        }
    }
}

/* dx = 0, then every input of a window receives dy / count, in output order */
void nn_avgpool2d_backward(float *dx, const float *dy, const nn_window *g, int B) {
    const int C = g->C, IH = g->H, IW = g->W;
    const size_t img = (size_t)IH * IW * C;
    memset(dx, 0, (size_t)B * img * sizeof *dx);
    const float *d = dy;
    for (int b = 0; b < B; b++) {
        float *xb = dx + (size_t)b * img;
        for (int oh = 0; oh < g->OH; oh++) {
            int h0, h1;
            span(oh, g->sh, g->pad_top, g->KH, IH, &h0, &h1);
            for (int ow = 0; ow < g->OW; ow++, d += C) {
                int w0, w1;
                span(ow, g->sw, g->pad_left, g->KW, IW, &w0, &w1);
                const float n = (float)((h1 - h0) * (w1 - w0));
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) {
                        float *t = xb + ((size_t)h * IW + w) * C;
                        for (int c = 0; c < C; c++)
                            t[c] += d[c] / n;
                    }
            }
        }
    }
}
