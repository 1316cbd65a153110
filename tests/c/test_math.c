/*
 * test_math.c — nn_math.c against the C library's double functions (glibc here: correctly
 * rounded or within an ulp; erfc within 4), over the ranges the core uses and well beyond them,
 * plus the special values. The distance is counted in ulps (units in the last place).
 */
#include "check.h"
#include "nn_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* how many doubles lie between a and b (same sign, finite) */
static double ulps(double a, double b) {
    if (a == b) return 0;
    if ((a < 0) != (b < 0)) return 1e300;
    int64_t ia, ib;
    memcpy(&ia, &a, 8);
    memcpy(&ib, &b, 8);
    return fabs((double)(ia - ib));
}

/* a reproducible sweep: n points uniform in [lo, hi] (a small LCG, independent of the core) */
static uint64_t lcg = 12345;
static double uniform(double lo, double hi) {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (double)(lcg >> 11) * (1.0 / 9007199254740992.0);
}

/* the worst ulp distance of f from ref over n points in [lo, hi] */
static double worst(double (*f)(double), double (*ref)(double), double lo, double hi, int n,
                    const char *name) {
    double w = 0, at = 0;
    for (int i = 0; i < n; i++) {
        double x = uniform(lo, hi);
        double d = ulps(f(x), ref(x));
        if (d > w) { w = d; at = x; }
    }
    printf("  %-6s [%g, %g]: worst %g ulp at %.17g\n", name, lo, hi, w, at);
    return w;
}

/* Limits: the polynomials are truncated far below an ulp, so the error is the rounding of a
 * dozen operations; 4 ulps leaves room for that and is far below any wrong coefficient or
 * range reduction (which gives errors of millions of ulps). */
#define ULP_LIMIT 4

static double log_of_exp(double t) { return nn_log(exp(t)); }
static double ref_log_of_exp(double t) { return log(exp(t)); }

static void test_exp_log(void) {
    CHECK(worst(nn_exp, exp, -1, 1, 100000, "exp") <= ULP_LIMIT);
    CHECK(worst(nn_exp, exp, -700, 700, 100000, "exp") <= ULP_LIMIT);
    CHECK(worst(nn_log, log, 0.5, 2, 100000, "log") <= ULP_LIMIT);
    CHECK(worst(nn_log, log, 1e-6, 1e6, 100000, "log") <= ULP_LIMIT);
    /* every binade from 1e-300 to 1e300: x = e^t */
    CHECK(worst(log_of_exp, ref_log_of_exp, -690, 690, 100000, "log∘e") <= ULP_LIMIT);
    CHECK(worst(nn_log1p, log1p, 0, 1, 100000, "log1p") <= ULP_LIMIT);
    CHECK(worst(nn_log1p, log1p, 0, 1e-12, 100000, "log1p") <= ULP_LIMIT);
    /* softplus feeds log1p with e^-x, down to the smallest doubles */
    CHECK(ulps(nn_log1p(1e-300), 1e-300) == 0);
    CHECK(ulps(nn_log1p(nn_exp(-700)), log1p(exp(-700))) <= ULP_LIMIT);

    /* special values */
    CHECK(nn_exp(0) == 1 && nn_log(1) == 0);
    CHECK(isnan(nn_exp(NAN)) && isnan(nn_log(NAN)) && isnan(nn_log(-1)));
    CHECK(nn_exp(710) == INFINITY && nn_exp(INFINITY) == INFINITY);
    CHECK(nn_exp(-746) == 0 && nn_exp(-INFINITY) == 0);
    CHECK(nn_log(0) == -INFINITY && nn_log(INFINITY) == INFINITY);
    CHECK(nn_log1p(INFINITY) == INFINITY);
    /* next to overflow and in the subnormal range (fewer bits: compare relative) */
    CHECK(ulps(nn_exp(709.78), exp(709.78)) <= ULP_LIMIT);
    CHECK_NEAR(nn_exp(-740) / exp(-740), 1.0, 1e-9);
    CHECK(ulps(nn_log(4.9406564584124654e-324), log(4.9406564584124654e-324)) <= ULP_LIMIT);
    CHECK(ulps(nn_log(1e-310), log(1e-310)) <= ULP_LIMIT);
}

static double pow_of_09(double y) { return nn_pow(0.9, y); }
static double ref_pow_of_09(double y) { return pow(0.9, y); }
static double pow_of_0999(double y) { return nn_pow(0.999, y); }
static double ref_pow_of_0999(double y) { return pow(0.999, y); }

static void test_pow(void) {
    /* Adam's bias correction (β^t for β = 0.9, 0.999 and integer t) and the exponential
     * schedule (γ^(s/step)): e^(y·ln x) has the rounding of y·ln x, so the limit grows
     * with |y·ln x|, still a relative 1e-13 at worst, far below float resolution */
    CHECK(worst(pow_of_09, ref_pow_of_09, 0, 300, 20000, "0.9^y") <= 64);
    CHECK(worst(pow_of_0999, ref_pow_of_0999, 0, 30000, 20000, "0.999^y") <= 64);
    CHECK(nn_pow(0.9, 0) == 1 && nn_pow(0, 3) == 0 && nn_pow(1, 12345) == 1);
    CHECK(ulps(nn_pow(0.5, 10), 1.0 / 1024) <= 2);
}

static void test_sin_cos(void) {
    CHECK(worst(nn_sin, sin, -M_PI, M_PI, 100000, "sin") <= ULP_LIMIT);
    CHECK(worst(nn_cos, cos, 0, 2 * M_PI, 100000, "cos") <= ULP_LIMIT);
    CHECK(worst(nn_sin, sin, -100, 100, 100000, "sin") <= ULP_LIMIT);
    CHECK(worst(nn_cos, cos, -100, 100, 100000, "cos") <= ULP_LIMIT);
    /* near the zeros the relative error is what counts; compare absolutely there */
    /* next to the zeros the reduction must keep π to far more than 53 bits */
    CHECK(ulps(nn_cos(M_PI / 2), cos(M_PI / 2)) <= ULP_LIMIT);
    CHECK(ulps(nn_sin(M_PI), sin(M_PI)) <= ULP_LIMIT);
    CHECK(ulps(nn_sin(100 * M_PI), sin(100 * M_PI)) <= ULP_LIMIT);
    CHECK(nn_sin(0) == 0 && nn_cos(0) == 1);
    CHECK(isnan(nn_sin(NAN)) && isnan(nn_cos(INFINITY)));
}

/* glibc's erfc is itself up to 3.9 ulp from the correctly rounded value (measured against
 * erfcl on a million points per range), nn_erfc up to 3.9 too (the rounding of e^(−a²), of
 * H(1/a)/a and of their product), so the two may be 5 ulp apart; 8 still catches any wrong
 * coefficient or interval, which costs thousands of ulps or more. */
#define ERFC_ULP_LIMIT 8

static double erf_of_exp(double t) { return nn_erf(exp(t)); }
static double ref_erf_of_exp(double t) { return erf(exp(t)); }
static double erf_of_mexp(double t) { return nn_erf(-exp(t)); }
static double ref_erf_of_mexp(double t) { return erf(-exp(t)); }

/* the worst ulp distance of f from ref at x·(1 + k·2⁻⁵²), |k| <= 8: both sides of a switch */
static double worst_near(double (*f)(double), double (*ref)(double), double x) {
    double w = 0;
    for (int k = -8; k <= 8; k++) {
        const double y = x * (1.0 + k * 2.220446049250313e-16);
        w = fmax(w, ulps(f(y), ref(y)));
    }
    return w;
}

static void test_erf(void) {
    /* erf: a polynomial for |x| < 1, 1 − erfc up to 6, then ±1 */
    CHECK(worst(nn_erf, erf, -1, 1, 100000, "erf") <= ULP_LIMIT);
    CHECK(worst(nn_erf, erf, -0.01, 0.01, 100000, "erf") <= ULP_LIMIT);
    CHECK(worst(nn_erf, erf, -6, 6, 100000, "erf") <= ULP_LIMIT);
    CHECK(worst(nn_erf, erf, -40, 40, 100000, "erf") <= ULP_LIMIT);
    /* tiny values, subnormals included: |x| = e^t down to the smallest double */
    CHECK(worst(erf_of_exp, ref_erf_of_exp, -744, 0, 100000, "erf∘e") <= ULP_LIMIT);
    CHECK(worst(erf_of_mexp, ref_erf_of_mexp, -744, 0, 100000, "erf∘−e") <= ULP_LIMIT);
    CHECK(ulps(nn_erf(4.9406564584124654e-324), erf(4.9406564584124654e-324)) <= ULP_LIMIT);
    CHECK(ulps(nn_erf(1e-310), erf(1e-310)) <= ULP_LIMIT);
    CHECK(ulps(nn_erf(-2.2250738585072014e-308), erf(-2.2250738585072014e-308)) <= ULP_LIMIT);
    /* both sides of the switches at 1 and 6 */
    for (int s = -1; s <= 1; s += 2) {
        CHECK(worst_near(nn_erf, erf, s * 1.0) <= ULP_LIMIT);
        CHECK(worst_near(nn_erf, erf, s * 6.0) <= ULP_LIMIT);
    }

    /* erfc, relative to its own size: every interval of the tail polynomial (a = 1..2, 2..3,
     * 3..6, beyond 6), the subnormal results from 26.55 on (ulps there are the subnormal
     * spacing), and the negative side, 2 − erfc */
    CHECK(worst(nn_erfc, erfc, -1, 1, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, 1, 2, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, 2, 3, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, 3, 6, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, 6, 26.5, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, 26.5, 28, 100000, "erfc") <= ERFC_ULP_LIMIT);
    CHECK(worst(nn_erfc, erfc, -30, -1, 100000, "erfc") <= ERFC_ULP_LIMIT);
    for (int s = -1; s <= 1; s += 2) {
        CHECK(worst_near(nn_erfc, erfc, s * 1.0) <= ERFC_ULP_LIMIT);
        CHECK(worst_near(nn_erfc, erfc, s * 2.0) <= ERFC_ULP_LIMIT);
        CHECK(worst_near(nn_erfc, erfc, s * 3.0) <= ERFC_ULP_LIMIT);
        CHECK(worst_near(nn_erfc, erfc, s * 6.0) <= ERFC_ULP_LIMIT);
    }
    CHECK(ulps(nn_erfc(1e-300), erfc(1e-300)) == 0 && ulps(nn_erfc(-1e-300), 1.0) == 0);

    /* special values: erf is odd (erf(−0) = −0), the limits are exact */
    CHECK(nn_erf(0) == 0 && !signbit(nn_erf(0)) && nn_erf(-0.0) == 0 && signbit(nn_erf(-0.0)));
    CHECK(nn_erf(INFINITY) == 1 && nn_erf(-INFINITY) == -1);
    CHECK(nn_erf(6) == 1 && nn_erf(1e300) == 1 && nn_erf(-1e300) == -1);
    CHECK(nn_erfc(0) == 1 && nn_erfc(INFINITY) == 0 && nn_erfc(-INFINITY) == 2);
    CHECK(nn_erfc(28) == 0 && nn_erfc(1e300) == 0 && nn_erfc(-1e300) == 2);
    CHECK(isnan(nn_erf(NAN)) && isnan(nn_erfc(NAN)));
    /* erf(1) and erfc(5) rounded to double from 30 digits (python3 mpmath: mp.erf(1)) */
    CHECK(ulps(nn_erf(1), 0.8427007929497149) <= 1);
    CHECK(ulps(nn_erfc(5), 1.537459794428035e-12) <= ERFC_ULP_LIMIT / 2);
}

int main(void) {
    test_exp_log();
    test_pow();
    test_sin_cos();
    test_erf();
    return check_report();
}
