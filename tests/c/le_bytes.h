/*
 * le_bytes.h — little-endian byte helpers for tests that read, build or damage model files
 * (docs/FORMAT.md), and a CRC-32 written here independently of the library's, so a test can
 * re-seal an edited file and the loader gets past the checksum to the check under test.
 * Used by tests/c and tests/fuzz; header-only, static functions.
 */
#ifndef LE_BYTES_H
#define LE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static inline int32_t get_i32(const uint8_t *p) {
    const uint32_t u = get32(p);
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static inline void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static inline void putf32(uint8_t *p, float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    put32(p, u);
}

static inline void putf64(uint8_t *p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put64(p, u);
}

/* CRC-32 bit by bit (reflected, polynomial 0xEDB88320) */
static inline uint32_t crc32_ref(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* recompute the trailing 4-byte CRC of a file of len bytes after an edit */
static inline void reseal(uint8_t *buf, size_t len) { put32(buf + len - 4, crc32_ref(buf, len - 4)); }

#endif /* LE_BYTES_H */
