import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { sampleDirichlet, sampleGamma, searchCdf, userRng } from './sampling';

describe('sampleGamma', () => {
  it.each([0.3, 1, 1.5, 4])('has mean k and variance k for shape %s (n = 100k, 5-sigma)', (k) => {
    const rng = createRng(3);
    const n = 100_000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleGamma(k, rng);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const v = s2 / n - mean * mean;
    expect(Math.abs(mean - k)).toBeLessThan(5 * Math.sqrt(k / n));
    // Var of the sample variance of a Gamma: (μ4 − σ⁴)/n with μ4 = 3k² + 6k.
    expect(Math.abs(v - k)).toBeLessThan(5 * Math.sqrt((3 * k * k + 6 * k - k * k) / n));
  });
});

describe('sampleDirichlet', () => {
  it('sums to 1 with mean 1/K per coordinate', () => {
    const rng = createRng(4);
    const K = 5;
    const mean = new Float64Array(K);
    const out = new Float64Array(K);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      sampleDirichlet(0.3, rng, out);
      expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let k = 0; k < K; k++) mean[k] += out[k] / n;
    }
    // Var of a Dirichlet(α·1) coordinate: (1/K)(1 − 1/K)/(Kα + 1).
    const sd = Math.sqrt(((1 / K) * (1 - 1 / K)) / (K * 0.3 + 1) / n);
    for (let k = 0; k < K; k++) expect(Math.abs(mean[k] - 1 / K)).toBeLessThan(5 * sd);
  });
});

describe('searchCdf and userRng', () => {
  it('finds the first cdf entry above x within a row', () => {
    const cdf = Float64Array.from([9, 9, 0.2, 0.5, 0.5, 1]); // row [2, 6)
    expect([0, 0.19, 0.2, 0.49, 0.5, 0.99].map((x) => searchCdf(cdf, 2, 6, x))).toEqual([0, 0, 1, 1, 3, 3]);
  });

  it('gives each (seed, user) its own reproducible stream', () => {
    expect(userRng(1, 5).next()).toBe(userRng(1, 5).next());
    expect(userRng(1, 5).next()).not.toBe(userRng(1, 6).next());
    expect(userRng(1, 5).next()).not.toBe(userRng(2, 5).next());
  });
});
