/*
 * nn_math.c — the few double-precision functions the core needs outside the hot loops: exp,
 * log and log1p for losses, pow for Adam's bias correction and the schedules, cos and sin for
 * Box–Muller and the spiral.
 *
 * Why our own: libm's versions carry about 13 KB of tables into the .wasm (a third of its
 * gzip size), and glibc (native builds) and musl (Emscripten) do not round sin and cos alike.
 * These are plain range reductions plus Taylor polynomials, accurate to a few ulp, with no
 * tables, and the same bits on every platform: they use only +, −, ×, ÷, floor and integer
 * operations on IEEE doubles (built with -ffp-contract=off, so no fused multiply-adds).
 */
#include "nn_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static double from_bits(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
static uint64_t to_bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* 2^k for -1022 <= k <= 1023, built from its exponent bits */
static double pow2(int k) { return from_bits((uint64_t)(k + 1023) << 52); }

/* ln 2 split so that k·LN2_HI is exact for |k| < 2^20 (LN2_HI has 32 significant bits) */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

/* eˣ: x = k·ln 2 + r with |r| <= ln2/2, eʳ by its Taylor series to r¹⁴/14! (the next term is
 * below 2⁻⁶⁰ of the result), then scaled by 2ᵏ */
double nn_exp(double x) {
    if (x != x) return x;
    if (x > 709.782712893384) return INFINITY;
    if (x < -745.1332191019412) return 0.0;
    const double k = floor(x * INV_LN2 + 0.5);
    const double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.1470745597729725e-11;                     /* 1/14! */
    p = p * r + 1.6059043836821613e-10;                    /* 1/13! */
    p = p * r + 2.08767569878681e-09;
    p = p * r + 2.505210838544172e-08;
    p = p * r + 2.755731922398589e-07;
    p = p * r + 2.7557319223985893e-06;
    p = p * r + 2.48015873015873e-05;
    p = p * r + 1.984126984126984e-04;
    p = p * r + 1.388888888888889e-03;
    p = p * r + 8.333333333333333e-03;
    p = p * r + 4.1666666666666664e-02;
    p = p * r + 1.6666666666666666e-01;
    p = p * r + 0.5;
    p = p * r * r + r + 1.0;                               /* 1 + r + r²(1/2 + ...) */
    int ki = (int)k;
    if (ki > 1023) return p * pow2(1023) * 2.0;            /* x just below the overflow */
    if (ki < -1022) return p * pow2(ki + 1000) * pow2(-1000); /* a subnormal result */
    return p * pow2(ki);
}

/* ln x: x = 2ᵉ·m with √½ <= m < √2, ln m = 2·atanh(s) with s = (m − 1)/(m + 1), |s| < 0.172,
 * by its series to s²³/23 */
double nn_log(double x) {
    if (x != x || x < 0.0) return NAN;
    if (x == 0.0) return -INFINITY;
    if (x == INFINITY) return x;
    int e = 0;
    if (x < 2.2250738585072014e-308) {                     /* subnormal: scale up by 2⁵⁴ */
        x *= 18014398509481984.0;
        e = -54;
    }
    const uint64_t u = to_bits(x);
    e += (int)(u >> 52) - 1023;
    double m = from_bits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  /* [1, 2) */
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    const double f = m - 1.0;                              /* exact */
    const double s = f / (2.0 + f);
    const double z = s * s;
    double p = 1.0 / 23;
    for (int n = 21; n >= 3; n -= 2)
        p = p * z + 1.0 / n;
    const double lnm = 2.0 * s + 2.0 * s * z * p;
    return e * LN2_HI + (e * LN2_LO + lnm);
}

/* ln(1 + x) for x > −1, accurate for tiny x: with u = 1 + x rounded, ln(u)·x/(u − 1) corrects
 * the rounding of u (Goldberg's trick) */
double nn_log1p(double x) {
    if (x == INFINITY) return x;
    const double u = 1.0 + x;
    if (u == 1.0) return x;
    return nn_log(u) * x / (u - 1.0);
}

/* xʸ for x >= 0 as e^(y·ln x); y·ln x carries a relative error of a few ulp, which the
 * callers (float results) never see */
double nn_pow(double x, double y) {
    if (y == 0.0) return 1.0;
    return nn_exp(y * nn_log(x));
}

/* π/2 split in three (33 + 33 + 53 bits) so that n·PIO2_1 and n·PIO2_2 are exact for
 * |n| < 2^20 and x − n·π/2 keeps about 119 bits of π */
static const double PIO2_1 = 1.57079632673412561417e+00;
static const double PIO2_2 = 6.07710050630396597660e-11;
static const double PIO2_3 = 2.02226624879595063154e-21;
static const double INV_PIO2 = 6.36619772367581382433e-01;

/* sin and cos of |r| <= π/4 by their Taylor series (to r¹⁷/17! and r¹⁸/18!) */
static double sin_k(double r) {
    const double z = r * r;
    double p = 2.8114572543455206e-15;                     /* 1/17! */
    p = p * z - 7.647163731819816e-13;
    p = p * z + 1.6059043836821613e-10;
    p = p * z - 2.505210838544172e-08;
    p = p * z + 2.7557319223985893e-06;
    p = p * z - 1.984126984126984e-04;
    p = p * z + 8.333333333333333e-03;
    p = p * z - 1.6666666666666666e-01;
    return r + r * z * p;
}

static double cos_k(double r) {
    const double z = r * r;
    double p = -1.5619206968586225e-16;                    /* −1/18! */
    p = p * z + 4.779477332387385e-14;
    p = p * z - 1.1470745597729725e-11;
    p = p * z + 2.08767569878681e-09;
    p = p * z - 2.755731922398589e-07;
    p = p * z + 2.48015873015873e-05;
    p = p * z - 1.388888888888889e-03;
    p = p * z + 4.1666666666666664e-02;
    return (1.0 - 0.5 * z) + z * z * p;
}

/* x = n·π/2 + r; the quadrant n mod 4 picks ±sin_k or ±cos_k. The core's arguments are at
 * most a few hundred; beyond 2^20·π/2 the reduction would lose accuracy, and NaN or ∞ give
 * NaN. */
static double sincos_q(double x, int want_cos) {
    if (x != x || x == INFINITY || x == -INFINITY) return NAN;
    const double n = floor(x * INV_PIO2 + 0.5);
    const double r = ((x - n * PIO2_1) - n * PIO2_2) - n * PIO2_3;
    const int q = (int)((int64_t)n & 3) + want_cos;
    switch (q & 3) {
    case 0: return sin_k(r);
    case 1: return cos_k(r);
    case 2: return -sin_k(r);
    default: return -cos_k(r);
    }
}

double nn_sin(double x) { return sincos_q(x, 0); }
double nn_cos(double x) { return sincos_q(x, 1); }
