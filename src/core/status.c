/* status.c — status names, error messages and the CRC-32 used by model files. */
#include "nn_internal.h"

#include <stdlib.h>
#ifdef __EMSCRIPTEN__
#include <malloc.h>
#endif

int nn_version(void) { return NN_VERSION_NUMBER; }

const char *nn_status_str(int status) {
    switch (status) {
    case NN_OK: return "ok";
    case NN_ERR_ARG: return "invalid argument";
    case NN_ERR_NOMEM: return "out of memory";
    case NN_ERR_FORMAT: return "malformed data";
    case NN_ERR_VERSION: return "unsupported format version";
    case NN_ERR_CHECKSUM: return "checksum mismatch";
    case NN_ERR_STATE: return "call not allowed in this state";
    case NN_ERR_NONFINITE: return "non-finite value in training";
    case NN_ERR_TRUNCATED: return "data truncated";
    case NN_ERR_MAGIC: return "wrong magic number";
    case NN_ERR_CAPACITY: return "output buffer too small";
    default: return "unknown status";
    }
}

nn_status nn_fail(nn_error *err, nn_status status, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        nn_vformat(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

nn_status nn_net_fail(nn_net *net, nn_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    nn_vformat(net->err, sizeof net->err, fmt, ap);
    va_end(ap);
    return status;
}

/* crc = crc32(bytes), bitwise with a 16-entry table: small and fast enough for model files */
uint32_t nn_crc32(uint32_t crc, const uint8_t *p, size_t n) {
    static const uint32_t nibble[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
    };
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ nibble[crc & 15u];
        crc = (crc >> 4) ^ nibble[crc & 15u];
    }
    return ~crc;
}

void *nn_alloc(size_t n) { return n ? malloc(n) : NULL; }
void nn_free(void *p) { free(p); }

size_t nn_heap_used(void) {
#ifdef __EMSCRIPTEN__
    return (size_t)mallinfo().uordblks;
#else
    return 0;
#endif
}
