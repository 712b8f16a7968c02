import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { aliasSampler, sqrtCountWeights } from './sampler';

describe('alias sampler', () => {
  it('draws ∝ (count + 1)^0.5: Pearson χ² within the 99.9% quantile', () => {
    const counts = [0, 1, 3, 8, 15, 0, 99, 24, 2, 48];
    const s = aliasSampler(sqrtCountWeights(counts));
    const rng = createRng(7);
    const N = 200_000;
    const hits = new Float64Array(counts.length);
    for (let t = 0; t < N; t++) hits[s.sample(rng)]++;
    // Expected shares written out by hand: sqrt(c + 1) / Σ sqrt(c + 1).
    const w = counts.map((c) => Math.sqrt(c + 1));
    const W = w.reduce((a, b) => a + b, 0);
    let chi2 = 0;
    for (let k = 0; k < counts.length; k++) chi2 += (hits[k] - (N * w[k]) / W) ** 2 / ((N * w[k]) / W);
    // χ²(9 d.o.f.) 99.9% quantile = 27.88.
    expect(chi2).toBeLessThan(27.88);
    // And a wrong law (∝ count + 1) is rejected by the same test, so the check has teeth.
    const wrong = counts.map((c) => c + 1);
    const Wr = wrong.reduce((a, b) => a + b, 0);
    let chi2Wrong = 0;
    for (let k = 0; k < counts.length; k++) chi2Wrong += (hits[k] - (N * wrong[k]) / Wr) ** 2 / ((N * wrong[k]) / Wr);
    expect(chi2Wrong).toBeGreaterThan(1000);
  });

  it('never draws a zero-weight index and rejects bad weights', () => {
    const s = aliasSampler([0, 2, 0, 1]);
    const rng = createRng(1);
    for (let t = 0; t < 5000; t++) expect([1, 3]).toContain(s.sample(rng));
    expect(() => aliasSampler([])).toThrow(RangeError);
    expect(() => aliasSampler([0, 0])).toThrow(RangeError);
    expect(() => aliasSampler([1, -1])).toThrow(RangeError);
  });
});
