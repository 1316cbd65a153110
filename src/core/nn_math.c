/*
 * nn_math.c — the few double-precision functions the core needs: exp, log and log1p for
 * losses, pow for Adam's bias correction and the schedules, cos and sin for Box–Muller and the
 * spiral, erf and erfc for the GELU activation (its normal distribution function Φ); and for
 * the float activations and the softmax, exp, expm1 and tanh to float-grade accuracy, faster.
 *
 * Why our own: libm's versions carry about 13 KB of tables into the .wasm (a third of its
 * gzip size), and glibc (native builds) and musl (Emscripten) do not round sin and cos alike.
 * These are plain range reductions plus Taylor polynomials (fitted ones for erf and erfc),
 * accurate to a few ulp, with no lookup tables (but one of 2^(j/32), 256 bytes, for the
 * float-grade functions at the end), and the same bits on every platform: they use only +, −,
 * ×, ÷, floor and integer operations on IEEE doubles (built with -ffp-contract=off, so no fused
 * multiply-adds).
 *
 * libm's float functions (expf, expm1f, tanhf, log1pf) are not used by the core either: glibc
 * and musl (emscripten's libc) round them differently, tanhf for 17 million of the 2³² floats,
 * log1pf for 393,460, expm1f for 1,397 and even expf for 2 (glibc's FMA variant), so a net
 * trained natively and in wasm drifted apart (issue #13).
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

/* ---- erf and erfc ------------------------------------------------------------------------
 * Polynomials fitted for this file: Chebyshev interpolants (mpmath.chebyfit at 60 digits) of
 * the smooth functions below, degree chosen so the fit error is below 1e-18; rounding the
 * coefficients to double leaves them within 8e-17 (relative, for H; absolute, for p). */

/* p(z) = erf(√z)/√z − 1 on z ∈ [0, 1], lowest degree first (p(0) = 2/√π − 1) */
static const double ERF_P[13] = {
    0.1283791670955126, -0.3761263890318375, 0.11283791670954879, -0.026866170645076792,
    0.0052239776248180145, -0.000854832698083379, 0.0001205533111164271,
    -1.4925595266831182e-05, 1.6461000484121368e-06, -1.6350312701054695e-07,
    1.4659775274047436e-08, -1.1372848856791674e-09, 5.957176147748911e-11,
};

/* H(t) = a·e^(a²)·erfc(a) at a = 1/t: 1/√π at t = 0 (a → ∞), 0.4276 at t = 1 (a = 1). One
 * polynomial in t − c per interval of t, lowest degree first. */
static const double ERFC_H1[19] = {     /* t ∈ [1/2, 1] (a ∈ [1, 2]), c = 3/4 */
    0.46817959203854037, -0.16908097778547482, 0.01934787262869018, 0.040293199742531254,
    -0.050465735252150604, 0.03768872001146378, -0.018116937854317592,
    0.0005608110255211365, 0.011128915088945559, -0.016227454746723567,
    0.015771747736036804, -0.011588248910783033, 0.005639680087307556,
    0.0003742892856856971, -0.005205044014682195, 0.008131369780628775,
    -0.00915547159608212, 0.008511955575503476, -0.004979566847164364,
};
static const double ERFC_H2[14] = {     /* t ∈ [1/3, 1/2] (a ∈ [2, 3]), c = 5/12 */
    0.5243969628888799, -0.1583663349566998, -0.07111188400637226, 0.15748928403076215,
    -0.1196646244293978, 0.002530967163695992, 0.12901042269941218, -0.2037669974835326,
    0.16509038065090248, 0.004574007736119093, -0.2624072154189728, 0.4968564979690317,
    -0.5315583055654737, 0.20517891382206893,
};
static const double ERFC_H3[15] = {     /* t ∈ [1/6, 1/3] (a ∈ [3, 6]), c = 1/4 */
    0.5479978305002455, -0.1194469319196091, -0.1677861897920715, 0.2195130030385916,
    -0.028086232852141808, -0.27276363606152215, 0.41110092337261056, -0.097897976366733,
    -0.708140408253256, 1.4788559587667638, -1.0204848945455445, -1.931040076355159,
    6.973191111199304, -8.70710331729259, -1.936645009196013,
};
static const double ERFC_H4[16] = {     /* t ∈ [0, 1/6] (a ≥ 6), c = 1/12 */
    0.5622506521787252, -0.04606101477309748, -0.26519603126963426, 0.12958478876045812,
    0.3243726177857182, -0.4239949369140164, -0.48195461942797696, 1.5544206482047334,
    0.19552382078121708, -5.874468449635088, 5.554326342301246, 19.814655232958067,
    -52.072472485711955, -33.86284894712847, 302.03510524730564, -218.18233691001376,
};

/* c[0] + c[1]·u + ... + c[n−1]·uⁿ⁻¹ */
static double horner(const double *c, int n, double u) {
    double p = c[n - 1];
    for (int i = n - 2; i >= 0; i--)
        p = p * u + c[i];
    return p;
}

/* erf(x) = x + x·p(x²) for |x| < 1: the leading x is exact, p is at most 0.16 */
static double erf_small(double x) {
    return x + x * horner(ERF_P, 13, x * x);
}

/* erfc(a) for 1 <= a < 28 as e^(−a²)·H(1/a)/a. e^(−a²) must not inherit the rounding of a²
 * (an error of 2a²·2⁻⁵³ relative, 700 ulp at a = 26): with h = a cut to its top 26 bits, h·h
 * is exact and r = a² − h·h = (a − h)(a + h) < 2⁻²⁴·a², so e^(−a²) = e^(−h·h)·e^(−r) with
 * e^(−r) = 1 − r + r²/2 − r³/6 (the next term is below 2⁻⁶²). */
static double erfc_tail(double a) {
    const double t = 1.0 / a;
    double H;
    if (t > 0.5)
        H = horner(ERFC_H1, 19, t - 0.75);
    else if (t > 1.0 / 3.0)
        H = horner(ERFC_H2, 14, t - 5.0 / 12.0);
    else if (t > 1.0 / 6.0)
        H = horner(ERFC_H3, 15, t - 0.25);
    else
        H = horner(ERFC_H4, 16, t - 1.0 / 12.0);
    const double h = from_bits(to_bits(a) & 0xFFFFFFFFF8000000ULL);
    const double r = (a - h) * (a + h);
    const double e = nn_exp(-(h * h)) * (H / a);
    return e - e * (r * (1.0 - r * (0.5 - r * (1.0 / 6.0))));
}

/* erf(x) = 2/√π·∫₀ˣ e^(−s²) ds. |x| < 1: erf_small; up to 6: 1 − erfc; beyond, erfc(6) =
 * 2e−17 is below half an ulp of 1 and erf is ±1. Odd: erf(−x) = −erf(x), erf(−0) = −0. */
double nn_erf(double x) {
    if (x != x) return x;
    const double a = x < 0.0 ? -x : x;
    if (a < 1.0) return erf_small(x);
    const double y = a < 6.0 ? 1.0 - erfc_tail(a) : 1.0;
    return x < 0.0 ? -y : y;
}

/* erfc(x) = 1 − erf(x), accurate relative to its own size in the tail (x ≫ 1), where
 * 1 − erf(x) would be all rounding. |x| < 1: (1 − x) − x·p(x²), at most two bits of
 * cancellation; x ≥ 1: erfc_tail, 0 from 28 on (erfc(27.3) is below the smallest double);
 * x <= −1: 2 − erfc(−x). */
double nn_erfc(double x) {
    if (x != x) return x;
    const double a = x < 0.0 ? -x : x;
    if (a < 1.0) return (1.0 - x) - x * horner(ERF_P, 13, x * x);
    const double y = a < 28.0 ? erfc_tail(a) : 0.0;
    return x < 0.0 ? 2.0 - y : y;
}

/* ---- float grade: exp, expm1, tanh for results rounded to f32 ---------------------------
 * The activations and the softmax work in double and round once to float. For that, eˣ needs
 * far less than nn_exp's full double accuracy, and speed counts: these run for every unit of
 * every training step. The reduction (nn_exp_reduce, nn_internal.h) to 2^(j/32)·eʳ with a
 * table leaves |r| <= ln2/64 = 0.0108, where a short series is enough: to r⁵/5! for eˣ (within
 * 2⁻⁴⁸, nn_exp_f32, inline in nn_internal.h), to r⁶/6! for eˣ − 1 (within 2⁻⁵¹ of eʳ − 1,
 * relative). With the rounding of the table (2⁻⁵³ of 2^(j/32), for expm1 near ±ln2/32 2⁻⁴⁶ of
 * the result) all three are within 2⁻⁴⁶ of the exact value, relative. Rounded to float they are
 * within an ulp of the correctly rounded result, and equal to it unless the exact value lies
 * within 2⁻⁴⁶ of a midpoint between two floats (about one argument in 2²²). */

/* 2^(j/32), j = 0..31, rounded to double (python3 mpmath at 200 bits: float(mp.mpf(2)**(j/32))) */
const double nn_exp2_j32[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0,
};

/* eˣ − 1 to float grade, relative to its own size: with t = 2^(k/32), (t − 1) + t·p, p = eʳ − 1
 * to r⁶/6! in Estrin's order. t − 1 is exact (Sterbenz) for t in [½, 2] and nearly so beyond;
 * near 0 (k = 0), t = 1 and the result is p itself. Beyond ±40, eˣ and −1 (e⁻⁴⁰ is below half
 * an ulp of 1). */
double nn_expm1_f32(double x) {
    if (x != x || x == 0.0) return x;                      /* NaN, and ±0 keeps its sign */
    if (x > 40.0) return nn_exp_f32(x);
    if (x < -40.0) return -1.0;
    double t;
    const double r = nn_exp_reduce(x, &t), r2 = r * r;
    const double a = 0.5 + r * (1.0 / 6);
    const double b = 1.0 / 24 + r * (1.0 / 120);
    const double p = r + r2 * (a + r2 * (b + r2 * (1.0 / 720)));
    return (t - 1.0) + t * p;
}

/* tanh x to float grade, relative to its own size: −t/(t + 2) with t = e^(−2|x|) − 1 in
 * (−1, 0], the sign of x put back (no cancellation for tiny |x| nor for large); x itself below
 * 2⁻²⁸ (x³/3 is below half an ulp), ±1 above 22 (1 − tanh is below 2⁻⁶²) */
double nn_tanh_f32(double x) {
    const double a = fabs(x);
    if (!(a >= 3.7252902984619141e-09)) return x;          /* 2⁻²⁸; ±0 and NaN too */
    if (a > 22.0) return x < 0.0 ? -1.0 : 1.0;
    const double t = nn_expm1_f32(-2.0 * a);
    const double y = -t / (t + 2.0);
    return x < 0.0 ? -y : y;
}
