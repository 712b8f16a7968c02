import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { maximizeLinearIntensity } from './pointProcessSolver';

/**
 * F(c) = Σ_e log(f_e · c) − G · c over c ≥ 0. At the maximum (KKT): ∂F/∂c_k = 0 where c_k > 0, ≤ 0 where c_k = 0.
 * The gradient is recomputed here directly from its definition.
 */
describe('maximizeLinearIntensity', () => {
  it.each([
    [1, 500, 4],
    [2, 20000, 6], // large enough for the subsample warm starts and the subsampled-Hessian stage
  ])('reaches the KKT point (seed %i, %i events, %i features)', (seed, n, K) => {
    const rng = createRng(seed);
    const f = new Float32Array(n * K);
    for (let e = 0; e < n; e++) {
      f[e * K] = 1;
      for (let k = 1; k < K; k++) f[e * K + k] = rng.next() < 0.5 ? 0 : rng.exp() * (k + 1);
    }
    // G chosen so that some coefficients want to be 0: a large integral on the last feature.
    const G = Float64Array.from({ length: K }, (_, k) => (k === K - 1 ? 50 * n : n * (0.5 + rng.next())));
    const init = new Float64Array(K).fill(0.1);
    const res = maximizeLinearIntensity(f, K, G, init);
    const c = res.coef;
    expect(c[K - 1]).toBe(0);
    const grad = new Float64Array(K);
    for (let e = 0; e < n; e++) {
      let lam = 0;
      for (let k = 0; k < K; k++) lam += c[k] * f[e * K + k];
      for (let k = 0; k < K; k++) grad[k] += f[e * K + k] / lam;
    }
    for (let k = 0; k < K; k++) {
      const gk = (grad[k] - G[k]) / G[k];
      if (c[k] > 0) expect(Math.abs(gk)).toBeLessThan(1e-5);
      else expect(gk).toBeLessThan(1e-9);
    }
    // The objective it reports is F at c.
    let F = 0;
    for (let e = 0; e < n; e++) {
      let lam = 0;
      for (let k = 0; k < K; k++) lam += c[k] * f[e * K + k];
      F += Math.log(lam);
    }
    for (let k = 0; k < K; k++) F -= c[k] * G[k];
    expect(res.objective).toBeCloseTo(F, 6);
  });
});
