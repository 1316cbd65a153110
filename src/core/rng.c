/* rng.c — the seeded generator. Its state lives in the caller (the net), never in a global. */
#include "nn_internal.h"

#include <math.h>

/* state = state·6364136223846793005 + inc; output = rotr32(((s >> 18) ^ s) >> 27, s >> 59) */
uint32_t nn_rng_u32(nn_rng *r) {
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ull + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

void nn_rng_seed(nn_rng *r, uint64_t seed, uint64_t stream) {
    r->state = 0;
    r->inc = (stream << 1u) | 1u;
    nn_rng_u32(r);
    r->state += seed;
    nn_rng_u32(r);
}

/* Lemire's multiply-and-reject: uniform in [0, bound) with no modulo bias */
uint32_t nn_rng_below(nn_rng *r, uint32_t bound) {
    uint64_t m = (uint64_t)nn_rng_u32(r) * bound;
    uint32_t low = (uint32_t)m;
    if (low < bound) {
        uint32_t threshold = (uint32_t)(-bound) % bound;
        while (low < threshold) {
            m = (uint64_t)nn_rng_u32(r) * bound;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* (k + 0.5)/2^32 for a random 32-bit k: never 0, never 1 */
double nn_rng_uniform(nn_rng *r) { return ((double)nn_rng_u32(r) + 0.5) * (1.0 / 4294967296.0); }

/* Box–Muller: √(−2 ln u1)·cos(2π u2) */
double nn_rng_gauss(nn_rng *r) {
    double u1 = nn_rng_uniform(r);
    double u2 = nn_rng_uniform(r);
    return sqrt(-2.0 * nn_log(u1)) * nn_cos(6.283185307179586 * u2);
}
