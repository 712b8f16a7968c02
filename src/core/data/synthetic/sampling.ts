/** Samplers the generator needs beyond util/rng: Gamma (→ Dirichlet) and a per-user seed that does not depend on order. */
import { createRng, type Rng } from '../../util/rng';

/** Gamma(shape k, scale 1) by Marsaglia & Tsang (2000); k < 1 by the boost Gamma(k) = Gamma(k + 1)·U^{1/k}. */
export function sampleGamma(k: number, rng: Rng): number {
  if (k < 1) return sampleGamma(k + 1, rng) * Math.pow(1 - rng.next(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Writes a Dirichlet(α·1) draw of length `out.length` into out. */
export function sampleDirichlet(alpha: number, rng: Rng, out: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = sampleGamma(alpha, rng);
    s += out[i];
  }
  if (s === 0)
    out.fill(1 / out.length); // all underflowed (tiny α): fall back to uniform
  else for (let i = 0; i < out.length; i++) out[i] /= s;
  return out;
}

/**
 * The event stream of user u: its own generator seeded from (seed, u), so a user's events are the same whether the
 * world is generated whole or in blocks, in any order.
 */
export function userRng(seed: number, u: number): Rng {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(u + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return createRng((h ^ (h >>> 16)) >>> 0);
}

/** Index of the first entry of a non-decreasing cumulative array cdf[lo..hi) that exceeds x (inverse-CDF sampling). */
export function searchCdf(cdf: Float64Array, lo: number, hi: number, x: number): number {
  let a = lo;
  let b = hi - 1;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (cdf[m] > x) b = m;
    else a = m + 1;
  }
  return a - lo;
}
