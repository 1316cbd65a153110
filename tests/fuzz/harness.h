/*
 * harness.h — what both fuzz harnesses share: FAIL, which reports a broken invariant and
 * aborts (libFuzzer then saves the input), and dup_bytes. Define HARNESS (the harness's name,
 * a string) before including it.
 */
#ifndef NN_FUZZ_HARNESS_H
#define NN_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...)                                                                            \
    do {                                                                                     \
        fprintf(stderr, HARNESS ": invariant broken: " __VA_ARGS__);                         \
        fputc('\n', stderr);                                                                 \
        abort();                                                                             \
    } while (0)

/* a copy of n bytes followed by extra zero bytes, in a block of exactly that size (at least
 * 1, so that an empty input is still a non-NULL pointer) */
static inline uint8_t *dup_bytes(const uint8_t *p, size_t n, size_t extra) {
    const size_t total = n + extra ? n + extra : 1;
    uint8_t *q = malloc(total);
    if (!q)
        FAIL("malloc(%zu) failed in the harness", total);
    memset(q, 0, total);
    if (n)
        memcpy(q, p, n);
    return q;
}

#endif /* NN_FUZZ_HARNESS_H */
