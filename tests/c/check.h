/*
 * check.h — the C test harness: a few assertion macros that count checks, print file:line and
 * both values on failure, and make main return non-zero. Include once per test executable.
 *
 *   int main(void) { test_a(); test_b(); return check_report(); }
 */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        check_count++;                                                                       \
        if (!(cond)) {                                                                       \
            check_failed++;                                                                  \
            printf("%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                  \
        }                                                                                    \
    } while (0)

#define CHECK_INT(got, want)                                                                 \
    do {                                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);                             \
        check_count++;                                                                       \
        if (g_ != w_) {                                                                      \
            check_failed++;                                                                  \
            printf("%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_);      \
        }                                                                                    \
    } while (0)

/* |got − want| ≤ tol·max(1, |want|): absolute near zero, relative for large values */
#define CHECK_NEAR(got, want, tol)                                                           \
    do {                                                                                     \
        double g_ = (double)(got), w_ = (double)(want), t_ = (double)(tol);                  \
        double s_ = fabs(w_) > 1.0 ? fabs(w_) : 1.0;                                         \
        check_count++;                                                                       \
        if (!(fabs(g_ - w_) <= t_ * s_)) {                                                   \
            check_failed++;                                                                  \
            printf("%s:%d: %s is %.9g, want %.9g (tol %g)\n", __FILE__, __LINE__, #got, g_,  \
                   w_, t_);                                                                  \
        }                                                                                    \
    } while (0)

#define CHECK_STATUS(got, want)                                                              \
    do {                                                                                     \
        int g_ = (int)(got), w_ = (int)(want);                                               \
        check_count++;                                                                       \
        if (g_ != w_) {                                                                      \
            check_failed++;                                                                  \
            printf("%s:%d: %s gave %d (%s), want %d (%s)\n", __FILE__, __LINE__, #got, g_,   \
                   nn_status_str(g_), w_, nn_status_str(w_));                                \
        }                                                                                    \
    } while (0)

/* the message names the problem: it contains the given substring */
#define CHECK_MSG(msg, part)                                                                 \
    do {                                                                                     \
        const char *m_ = (msg);                                                              \
        check_count++;                                                                       \
        if (!m_ || !strstr(m_, (part))) {                                                    \
            check_failed++;                                                                  \
            printf("%s:%d: message \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,    \
                   m_ ? m_ : "(null)", (part));                                              \
        }                                                                                    \
    } while (0)

static int check_report(void) {
    printf("%d checks, %d failed\n", check_count, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* CHECK_H */
