/*
 * datasets.c — IDX parsing (MNIST's file format), the spiral generator and min-max scaling.
 * Sizes: N items or rows, R·C pixels per image, D columns of a matrix.
 *
 * IDX layout: a big-endian u32 magic 0x000008nn (0x08 = unsigned bytes, nn = dimensions),
 * nn big-endian u32 sizes, then the bytes, first dimension slowest. We read two kinds:
 *   2051 (0x0803) images: N, R, C then N·R·C pixels;  2049 (0x0801) labels: N then N bytes.
 */
#include "nn_internal.h"

#include <math.h>

#define IDX_IMAGES 2051u
#define IDX_LABELS 2049u
#define SPIRAL_MAX_ROWS 10000000

/* ---- IDX ----------------------------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
           (uint32_t)p[3];
}

/* Checks happen in file order: magic, header length, each size, the products, data length.
 * info is written only on success. */
nn_status nn_idx_parse(const uint8_t *buf, size_t len, nn_idx_info *info, nn_error *err) {
    if (!buf || !info) {
        return nn_fail(err, NN_ERR_ARG, "idx: %s is NULL", !buf ? "buffer" : "info");
    }
    if (len == 0) {
        return nn_fail(err, NN_ERR_ARG, "idx: buffer is empty (length 0)");
    }
    if (len < 4) {
        return nn_fail(err, NN_ERR_TRUNCATED,
                       "idx: %zu bytes is shorter than the 4-byte magic number", len);
    }
    uint32_t magic = be32(buf);
    if (magic != IDX_IMAGES && magic != IDX_LABELS) {
        return nn_fail(err, NN_ERR_MAGIC,
                       "idx: magic %lu (0x%08lx) is neither 2051 (images) nor 2049 (labels)",
                       (unsigned long)magic, (unsigned long)magic);
    }
    size_t ndims = magic == IDX_IMAGES ? 3 : 1;
    size_t header = 4 + 4 * ndims;
    if (len < header) {
        return nn_fail(err, NN_ERR_TRUNCATED, "idx: the %s header needs %zu bytes, buffer has %zu",
                       magic == IDX_IMAGES ? "image" : "label", header, len);
    }

    static const char *const names[3] = {"count", "rows", "cols"};
    uint64_t dims[3] = {1, 1, 1};
    for (size_t d = 0; d < ndims; d++) {
        dims[d] = be32(buf + 4 + 4 * d);
        if (dims[d] == 0 || dims[d] > INT32_MAX) {
            return nn_fail(err, NN_ERR_FORMAT, "idx: %s %llu is not in 1..%ld", names[d],
                           (unsigned long long)dims[d], (long)INT32_MAX);
        }
    }
    // Each size is < 2^31, so both products fit uint64 before the caps.
    uint64_t item = dims[1] * dims[2];
    if (item > INT32_MAX) {
        return nn_fail(err, NN_ERR_FORMAT, "idx: an image of %llux%llu pixels is too large",
                       (unsigned long long)dims[1], (unsigned long long)dims[2]);
    }
    uint64_t total = dims[0] * item;
    if (total > INT32_MAX) {
        return nn_fail(err, NN_ERR_FORMAT,
                       "idx: %llu items of %llu bytes make %llu bytes, more than %ld",
                       (unsigned long long)dims[0], (unsigned long long)item,
                       (unsigned long long)total, (long)INT32_MAX);
    }

    uint64_t present = (uint64_t)(len - header);
    if (present < total) {
        return nn_fail(err, NN_ERR_TRUNCATED,
                       "idx: %llu items of %llu bytes need %llu data bytes, only %llu present",
                       (unsigned long long)dims[0], (unsigned long long)item,
                       (unsigned long long)total, (unsigned long long)present);
    }
    if (present > total) {
        return nn_fail(err, NN_ERR_FORMAT,
                       "idx: %llu trailing bytes after the %llu data bytes announced",
                       (unsigned long long)(present - total), (unsigned long long)total);
    }

    info->magic = (int32_t)magic;
    info->count = (int32_t)dims[0];
    info->rows = (int32_t)dims[1];
    info->cols = (int32_t)dims[2];
    info->offset = header;
    return NN_OK;
}

/* dst[n·R·C + p] = byte / 255 */
nn_status nn_idx_images(const uint8_t *buf, size_t len, float *dst, size_t cap,
                        nn_error *err) {
    nn_idx_info info;
    nn_status st = nn_idx_parse(buf, len, &info, err);
    if (st != NN_OK) {
        return st;
    }
    if (info.magic != (int32_t)IDX_IMAGES) {
        return nn_fail(err, NN_ERR_FORMAT,
                       "idx: this is a label file (magic %ld), not an image file (2051)",
                       (long)info.magic);
    }
    if (!dst) {
        return nn_fail(err, NN_ERR_ARG, "idx: destination is NULL");
    }
    size_t n = (size_t)info.count * (size_t)info.rows * (size_t)info.cols;
    if (cap < n) {
        return nn_fail(err, NN_ERR_CAPACITY,
                       "idx: %ld images of %ldx%ld need %zu floats, capacity is %zu",
                       (long)info.count, (long)info.rows, (long)info.cols, n, cap);
    }
    const uint8_t *src = buf + info.offset;
    for (size_t k = 0; k < n; k++) {
        dst[k] = (float)src[k] / 255.0f;
    }
    return NN_OK;
}

/* dst[n] = label byte n */
nn_status nn_idx_labels(const uint8_t *buf, size_t len, int32_t *dst, size_t cap,
                        nn_error *err) {
    nn_idx_info info;
    nn_status st = nn_idx_parse(buf, len, &info, err);
    if (st != NN_OK) {
        return st;
    }
    if (info.magic != (int32_t)IDX_LABELS) {
        return nn_fail(err, NN_ERR_FORMAT,
                       "idx: this is an image file (magic %ld), not a label file (2049)",
                       (long)info.magic);
    }
    if (!dst) {
        return nn_fail(err, NN_ERR_ARG, "idx: destination is NULL");
    }
    size_t n = (size_t)info.count;
    if (cap < n) {
        return nn_fail(err, NN_ERR_CAPACITY, "idx: %zu labels, capacity is %zu", n, cap);
    }
    const uint8_t *src = buf + info.offset;
    for (size_t k = 0; k < n; k++) {
        dst[k] = src[k];
    }
    return NN_OK;
}

/* ---- spiral -------------------------------------------------------------------------------- */

/* row j·n + i: r = i/n, θ = 4j + 4r + 0.2·g (g ~ N(0,1), one draw per row in row order),
 * x = (r·sin θ, r·cos θ), label j */
nn_status nn_spiral(int32_t per_class, int32_t classes, uint32_t seed, float *x,
                    int32_t *labels, nn_error *err) {
    if (per_class < 1 || classes < 1) {
        return nn_fail(err, NN_ERR_ARG, "spiral: %s %ld must be at least 1",
                       per_class < 1 ? "points per class" : "classes",
                       (long)(per_class < 1 ? per_class : classes));
    }
    int64_t rows = (int64_t)per_class * classes;
    if (rows > SPIRAL_MAX_ROWS) {
        return nn_fail(err, NN_ERR_ARG,
                       "spiral: %ld points per class x %ld classes = %lld rows, more than %ld",
                       (long)per_class, (long)classes, (long long)rows,
                       (long)SPIRAL_MAX_ROWS);
    }
    if (!x || !labels) {
        return nn_fail(err, NN_ERR_ARG, "spiral: %s output is NULL", !x ? "x" : "labels");
    }

    nn_rng rng;
    nn_rng_seed(&rng, seed, 0);
    size_t row = 0;
    for (int32_t j = 0; j < classes; j++) {
        for (int32_t i = 0; i < per_class; i++, row++) {
            double r = (double)i / (double)per_class;
            double t = 4.0 * j + 4.0 * r + 0.2 * nn_rng_gauss(&rng);
            x[2 * row] = (float)(r * nn_sin(t));
            x[2 * row + 1] = (float)(r * nn_cos(t));
            labels[row] = j;
        }
    }
    return NN_OK;
}

/* ---- min-max scaling ----------------------------------------------------------------------- */

/* Shared argument checks: pointers, positive sizes, N·D within int32 so every index fits. */
static nn_status minmax_args(const void *x, int32_t rows, int32_t cols, const void *min,
                             const void *max, nn_error *err) {
    if (!x || !min || !max) {
        return nn_fail(err, NN_ERR_ARG, "minmax: %s is NULL", !x ? "x" : !min ? "min" : "max");
    }
    if (rows <= 0 || cols <= 0) {
        return nn_fail(err, NN_ERR_ARG, "minmax: shape (%ld, %ld) must have rows and cols > 0",
                       (long)rows, (long)cols);
    }
    uint64_t n = (uint64_t)rows * (uint64_t)cols;
    if (n > INT32_MAX) {
        return nn_fail(err, NN_ERR_ARG, "minmax: %ld x %ld = %llu values, more than %ld",
                       (long)rows, (long)cols, (unsigned long long)n, (long)INT32_MAX);
    }
    return NN_OK;
}

/* First non-finite x[r·D + c], reported with its row and column. */
static nn_status minmax_finite(const float *x, int32_t rows, int32_t cols, nn_error *err) {
    for (int32_t r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * (size_t)cols;
        for (int32_t c = 0; c < cols; c++) {
            if (!isfinite(xr[c])) {
                return nn_fail(err, NN_ERR_ARG, "minmax: x at row %ld, column %ld is %g",
                               (long)r, (long)c, (double)xr[c]);
            }
        }
    }
    return NN_OK;
}

/* min[c] = min_r x[r, c], max[c] = max_r x[r, c]. Nothing is written on failure. */
nn_status nn_minmax_fit(const float *x, int32_t rows, int32_t cols, float *min, float *max,
                        nn_error *err) {
    nn_status st = minmax_args(x, rows, cols, min, max, err);
    if (st == NN_OK) {
        st = minmax_finite(x, rows, cols, err);
    }
    if (st != NN_OK) {
        return st;
    }
    for (int32_t c = 0; c < cols; c++) {
        min[c] = max[c] = x[c];
    }
    for (int32_t r = 1; r < rows; r++) {
        const float *xr = x + (size_t)r * (size_t)cols;
        for (int32_t c = 0; c < cols; c++) {
            if (xr[c] < min[c]) {
                min[c] = xr[c];
            }
            if (xr[c] > max[c]) {
                max[c] = xr[c];
            }
        }
    }
    return NN_OK;
}

/* x[r, c] = (x[r, c] − min[c])/(max[c] − min[c]), or 0 when max[c] == min[c].
 * In double, so a range wider than FLT_MAX does not overflow. Every input is checked before
 * x is touched, so a failed call leaves it unchanged. */
nn_status nn_minmax_apply(float *x, int32_t rows, int32_t cols, const float *min,
                          const float *max, nn_error *err) {
    nn_status st = minmax_args(x, rows, cols, min, max, err);
    if (st != NN_OK) {
        return st;
    }
    for (int32_t c = 0; c < cols; c++) {
        if (!isfinite(min[c]) || !isfinite(max[c])) {
            return nn_fail(err, NN_ERR_ARG, "minmax: column %ld has min %g and max %g, both "
                           "must be finite", (long)c, (double)min[c], (double)max[c]);
        }
        if (min[c] > max[c]) {
            return nn_fail(err, NN_ERR_ARG, "minmax: column %ld has min %g above max %g",
                           (long)c, (double)min[c], (double)max[c]);
        }
    }
    st = minmax_finite(x, rows, cols, err);
    if (st != NN_OK) {
        return st;
    }
    for (int32_t r = 0; r < rows; r++) {
        float *xr = x + (size_t)r * (size_t)cols;
        for (int32_t c = 0; c < cols; c++) {
            double lo = min[c], range = (double)max[c] - lo;
            xr[c] = range > 0.0 ? (float)(((double)xr[c] - lo) / range) : 0.0f;
        }
    }
    return NN_OK;
}
