/*
 * test_format.c — the message formatter against the C library's snprintf, which is the
 * independent reference: integers and strings must match exactly, %g on ordinary values
 * too, and on random doubles it must read back within its 6 significant digits.
 */
#include "check.h"
#include "nn_internal.h"

#include <stdarg.h>
#include <stdlib.h>

static const char *ours(const char *fmt, ...) {
    static char buf[256];
    va_list ap;
    va_start(ap, fmt);
    nn_vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

#define SAME(fmt, ...)                                                                       \
    do {                                                                                     \
        char want_[256];                                                                     \
        snprintf(want_, sizeof want_, fmt, __VA_ARGS__);                                     \
        const char *got_ = ours(fmt, __VA_ARGS__);                                           \
        check_count++;                                                                       \
        if (strcmp(got_, want_) != 0) {                                                      \
            check_failed++;                                                                  \
            printf("%s:%d: \"%s\" gave \"%s\", snprintf \"%s\"\n", __FILE__, __LINE__, fmt,  \
                   got_, want_);                                                             \
        }                                                                                    \
    } while (0)

static void test_integers_and_strings(void) {
    SAME("%d %d %d", 0, -7, 2147483647);
    SAME("%d", -2147483647 - 1);
    SAME("%u %x %X %08x %02x", 4000000000u, 255u, 0xBEEFu, 0x1234u, 7u);
    SAME("%ld %lu %08lx", -123456789L, 123456789UL, 0xABCDUL);
    SAME("%lld %llu %llx", -9223372036854775807LL - 1, 18446744073709551615ULL, 0xFFFFull);
    SAME("%zu bytes", (size_t)1234567);
    SAME("%s and %s%c", "this", "that", '!');
    SAME("100%% of %d", 3);
    SAME("layer %d: size %d is not allowed (1..%d)", 2, 0, 65536);
    SAME("%5d|%03d", 42, 1);
}

static void test_general(void) {
    const double v[] = {0.0, 1.0, -1.0, 0.5, 0.1, 0.01, 1e-3, 1e-4, 1e-5, 123456.0, 1234567.0,
                        1e30, -1e30, 1e-30, 3.4028234663852886e38, 0.30000001192092896, 2.5,
                        100.0, 1e5, 1e6, 6.0, 0.999, 12.5, 1e8, 1.5e-7, 42.0, 1e100, 1e-100};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        SAME("%g", v[i]);
    SAME("%g %g %g", (double)NAN, (double)INFINITY, -(double)INFINITY);
    /* random doubles: our digits may differ from the correctly rounded ones in the last
     * place, so read them back: within 6 significant digits (5e-6 relative) */
    nn_rng r;
    nn_rng_seed(&r, 9, 9);
    double worst = 0;
    for (int i = 0; i < 20000; i++) {
        const double x = (nn_rng_uniform(&r) - 0.5) * pow(10.0, (double)nn_rng_below(&r, 80) - 40);
        const double back = strtod(ours("%g", x), NULL);
        worst = fmax(worst, fabs(back - x) / fabs(x));
    }
    CHECK(worst <= 5e-6);
}

static void small_cap(char *dst, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    nn_vformat(dst, cap, fmt, ap);
    va_end(ap);
}

/* output is cut to the capacity and always terminated */
static void test_bounds(void) {
    char tiny[4] = "xyz";
    small_cap(tiny, 4, "%d", 123456);
    CHECK(strcmp(tiny, "123") == 0);
    small_cap(tiny, 1, "%s", "abc");
    CHECK(tiny[0] == '\0');
    small_cap(tiny, 0, "%s", "abc");                /* nothing written at all */
    CHECK(tiny[0] == '\0' && tiny[1] == '2');
    nn_error e;
    char longer[400];
    memset(longer, '.', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    nn_fail(&e, NN_ERR_ARG, "%s", longer);
    CHECK_INT(strlen(e.message), 255);
    CHECK_STATUS(nn_fail(NULL, NN_ERR_FORMAT, "%d", 5), NN_ERR_FORMAT); /* no holder is fine */
}

int main(void) {
    test_integers_and_strings();
    test_general();
    test_bounds();
    return check_report();
}
