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

  it('keeps λ > 0 at events the warm-start subsample left out (events that only the baseline explains)', () => {
    // 20,000 events: all but three are explained by an excitation feature, which makes the baseline look useless on
    // the strided subsample; events 1, 2 and 3 (not on the stride) have no excitation, so λ there is the baseline
    // alone (as events tied with a user's first event). The subsample's solution puts μ at 0 (F = −∞ on all events),
    // and a Hessian from it misses the three events' 3/μ² (Newton steps on μ far off).
    const n = 20000;
    const K = 2;
    const f = new Float32Array(n * K);
    for (let e = 0; e < n; e++) {
      f[e * K] = 1;
      f[e * K + 1] = e >= 1 && e <= 3 ? 0 : 1 + (e % 7);
    }
    const G = Float64Array.of(1e6, 4 * n);
    const res = maximizeLinearIntensity(f, K, G, Float64Array.of(1e-3, 0.1));
    expect(Number.isFinite(res.objective)).toBe(true);
    // KKT with both coefficients positive: Σ_e f_ek / λ_e = G_k; the baseline's part is 3 / μ + Σ_rest 1/λ_e.
    const grad = [0, 0];
    for (let e = 0; e < n; e++) {
      const lam = res.coef[0] * f[e * K] + res.coef[1] * f[e * K + 1];
      grad[0] += f[e * K] / lam;
      grad[1] += f[e * K + 1] / lam;
    }
    expect(res.coef[0]).toBeGreaterThan(0);
    expect(Math.abs(grad[0] - G[0]) / G[0]).toBeLessThan(1e-5);
    expect(Math.abs(grad[1] - G[1]) / G[1]).toBeLessThan(1e-5);
  });
});
