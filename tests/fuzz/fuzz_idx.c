/*
 * fuzz_idx.c — libFuzzer harness for the IDX reader: nn_idx_parse, nn_idx_images,
 * nn_idx_labels (include/nnwasm.h).
 *
 * Build and run with scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined). Whatever
 * the bytes, the three functions must never crash, leak, hang or misreport:
 *   - on failure the status is one the header documents, the message is a non-empty,
 *     terminated string, info is left untouched, the same call without an nn_error gives the
 *     same status, and both decoders fail with the parser's status;
 *   - on success the header is consistent (magic 2051 with offset 16 or 2049 with offset 8
 *     and 1×1 items, sizes ≥ 1, offset + count·rows·cols = length), the matching decoder
 *     reproduces every byte as value/255 (images) or value (labels), the other decoder says
 *     NN_ERR_FORMAT, a buffer one item short says NN_ERR_CAPACITY, a NULL destination says
 *     NN_ERR_ARG, one byte less is NN_ERR_TRUNCATED and one byte more NN_ERR_FORMAT.
 * A broken invariant aborts with a message, which libFuzzer reports as a crash.
 * Sizes: N items, R·C bytes per item.
 */
#include "nnwasm.h"

#define HARNESS "fuzz_idx"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_message(const nn_error *err, nn_status st, const char *what) {
    if (!memchr(err->message, '\0', sizeof err->message))
        FAIL("%s: error message is not terminated", what);
    if (err->message[0] == '\0')
        FAIL("%s: status %d with an empty message", what, (int)st);
}

/* parse and check what every call must satisfy */
static nn_status parse(const uint8_t *buf, size_t len, nn_idx_info *info) {
    nn_error err;
    memset(err.message, 0xA5, sizeof err.message);  /* so an unterminated message shows */
    nn_idx_info before;
    memset(&before, 0x5A, sizeof before);
    *info = before;
    const nn_status st = nn_idx_parse(buf, len, info, &err);
    if (st == NN_OK)
        return st;
    if (st != NN_ERR_ARG && st != NN_ERR_TRUNCATED && st != NN_ERR_MAGIC && st != NN_ERR_FORMAT)
        FAIL("parse: undocumented status %d (%s)", (int)st, nn_status_str(st));
    if ((st == NN_ERR_ARG) != (len == 0))
        FAIL("parse: status %d for %zu bytes (NN_ERR_ARG is for an empty buffer only)",
             (int)st, len);
    check_message(&err, st, "parse");
    if (memcmp(info, &before, sizeof before) != 0)
        FAIL("parse: info was written although parsing failed with %d", (int)st);
    nn_idx_info quiet;
    if (nn_idx_parse(buf, len, &quiet, NULL) != st)
        FAIL("parse: without an nn_error the status differs from %d", (int)st);
    return st;
}

/* a valid file's neighbours: one byte less and one byte more, each in an exact-size copy */
static void check_neighbours(const uint8_t *buf, size_t len) {
    nn_idx_info info;
    uint8_t *c = dup_bytes(buf, len - 1, 0);
    nn_status st = parse(c, len - 1, &info);
    free(c);
    if (st != NN_ERR_TRUNCATED)
        FAIL("a valid %zu-byte file cut by one byte gives %d, not NN_ERR_TRUNCATED", len,
             (int)st);
    c = dup_bytes(buf, len, 1);
    st = parse(c, len + 1, &info);
    free(c);
    if (st != NN_ERR_FORMAT)
        FAIL("a valid %zu-byte file with one byte more gives %d, not NN_ERR_FORMAT", len,
             (int)st);
}

static void check_images(const uint8_t *buf, size_t len, const nn_idx_info *info, size_t n) {
    nn_error err;
    float *dst = malloc(n * sizeof *dst);
    if (!dst)
        FAIL("malloc failed in the harness");
    nn_status st = nn_idx_images(buf, len, dst, n, &err);
    if (st != NN_OK)
        FAIL("images: decoding a parsed image file failed: %d %s", (int)st, err.message);
    for (size_t k = 0; k < n; k++) {
        const uint8_t b = buf[info->offset + k];
        if (dst[k] != (float)b / 255.0f || !(dst[k] >= 0.0f && dst[k] <= 1.0f))
            FAIL("images: value %zu is %g for byte %u", k, (double)dst[k], (unsigned)b);
    }
    st = nn_idx_images(buf, len, dst, n - 1, &err);
    if (st != NN_ERR_CAPACITY)
        FAIL("images: capacity %zu for %zu values gave %d", n - 1, n, (int)st);
    check_message(&err, st, "images capacity");
    if (nn_idx_images(buf, len, NULL, n, NULL) != NN_ERR_ARG)
        FAIL("images: a NULL destination is not NN_ERR_ARG");
    int32_t one;
    st = nn_idx_labels(buf, len, &one, 1, &err);
    if (st != NN_ERR_FORMAT)
        FAIL("labels: an image file gave %d, not NN_ERR_FORMAT", (int)st);
    check_message(&err, st, "labels of an image file");
    free(dst);
}

static void check_labels(const uint8_t *buf, size_t len, const nn_idx_info *info, size_t n) {
    nn_error err;
    int32_t *dst = malloc(n * sizeof *dst);
    if (!dst)
        FAIL("malloc failed in the harness");
    nn_status st = nn_idx_labels(buf, len, dst, n, &err);
    if (st != NN_OK)
        FAIL("labels: decoding a parsed label file failed: %d %s", (int)st, err.message);
    for (size_t k = 0; k < n; k++)
        if (dst[k] != (int32_t)buf[info->offset + k])
            FAIL("labels: label %zu is %d for byte %u", k, (int)dst[k],
                 (unsigned)buf[info->offset + k]);
    st = nn_idx_labels(buf, len, dst, n - 1, &err);
    if (st != NN_ERR_CAPACITY)
        FAIL("labels: capacity %zu for %zu labels gave %d", n - 1, n, (int)st);
    check_message(&err, st, "labels capacity");
    if (nn_idx_labels(buf, len, NULL, n, NULL) != NN_ERR_ARG)
        FAIL("labels: a NULL destination is not NN_ERR_ARG");
    float one;
    st = nn_idx_images(buf, len, &one, 1, &err);
    if (st != NN_ERR_FORMAT)
        FAIL("images: a label file gave %d, not NN_ERR_FORMAT", (int)st);
    check_message(&err, st, "images of a label file");
    free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* an exact-size copy, so ASan catches a read even one byte past the end */
    uint8_t *buf = dup_bytes(data, size, 0);
    nn_idx_info info;
    const nn_status st = parse(buf, size, &info);
    if (st != NN_OK) {
        /* the decoders check the header the same way, before their own arguments */
        float f;
        int32_t i;
        nn_error err;
        nn_status a = nn_idx_images(buf, size, &f, 1, &err);
        if (a != st)
            FAIL("images: status %d where parse gave %d", (int)a, (int)st);
        check_message(&err, a, "images");
        a = nn_idx_labels(buf, size, &i, 1, &err);
        if (a != st)
            FAIL("labels: status %d where parse gave %d", (int)a, (int)st);
        check_message(&err, a, "labels");
        free(buf);
        return 0;
    }
    const int images = info.magic == 2051;
    if (!images && info.magic != 2049)
        FAIL("parse: magic %d accepted", (int)info.magic);
    if (info.count < 1 || info.rows < 1 || info.cols < 1)
        FAIL("parse: sizes %d, %d, %d accepted", (int)info.count, (int)info.rows,
             (int)info.cols);
    if (info.offset != (images ? 16u : 8u) || (!images && (info.rows != 1 || info.cols != 1)))
        FAIL("parse: magic %d with offset %zu and items of %dx%d", (int)info.magic,
             info.offset, (int)info.rows, (int)info.cols);
    const uint64_t n = (uint64_t)info.count * (uint64_t)info.rows * (uint64_t)info.cols;
    if (n > INT32_MAX || info.offset + n != size)
        FAIL("parse: %d items of %dx%d after %zu header bytes, but the file is %zu bytes",
             (int)info.count, (int)info.rows, (int)info.cols, info.offset, size);
    check_neighbours(buf, size);
    if (images)
        check_images(buf, size, &info, (size_t)n);
    else
        check_labels(buf, size, &info, (size_t)n);
    free(buf);
    return 0;
}
