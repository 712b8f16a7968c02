import { describe, expect, it } from 'vitest';
import { silencePosterior, windowFactors } from './churn';

/** The posterior of the churn offset by a fine midpoint rule, written from its definition. */
function brute(tauE: number, mu: number, k: number[], s: number[], gamma: number, steps = 200000) {
  const Lam = (t: number) => mu * t + k.reduce((a, kr, r) => a + kr * (1 - Math.exp(-t / s[r])), 0);
  const dt = tauE / steps;
  const stay = Math.exp(-gamma * tauE - Lam(tauE));
  let z = stay;
  let tau = stay * tauE;
  const spent = s.map((sr) => stay * (1 - Math.exp(-tauE / sr)));
  for (let q = 0; q < steps; q++) {
    const t = (q + 0.5) * dt;
    const p = gamma * Math.exp(-gamma * t - Lam(t)) * dt;
    z += p;
    tau += p * t;
    s.forEach((sr, r) => (spent[r] += p * (1 - Math.exp(-t / sr))));
  }
  return { logZ: Math.log(z), alive: stay / z, meanTau: tau / z, meanSpent: spent.map((v) => v / z) };
}

describe('silencePosterior', () => {
  it.each([
    [3, 0.5, [0.8, 2], [0.01, 1], 0.2],
    [0.4, 2, [5, 0.1], [0.05, 3], 1.5],
    [20, 0.05, [0, 0.3], [0.001, 10], 0.05],
  ])('matches a midpoint rule (τ_E %f, μ %f)', (tauE, mu, k, s, gamma) => {
    const got = silencePosterior(tauE, mu, k, s, gamma);
    const want = brute(tauE, mu, k, s, gamma);
    expect(got.logZ).toBeCloseTo(want.logZ, 5);
    expect(got.alive).toBeCloseTo(want.alive, 5);
    expect(got.meanTau).toBeCloseTo(want.meanTau, 4);
    got.meanSpent.forEach((v, r) => expect(v).toBeCloseTo(want.meanSpent[r], 4));
  });

  it('γ = 0 is the plain silence e^{−Λ(τ_E)}; a heavy user silent long is gone without overflow', () => {
    const plain = silencePosterior(2, 0.3, [1.5], [0.5], 0);
    expect(plain.alive).toBe(1);
    expect(plain.logZ).toBeCloseTo(-(0.3 * 2 + 1.5 * (1 - Math.exp(-4))), 12);
    // λ stays near 400 per horizon (a long kernel holding 4,000 events' mass): Λ over 2 horizons is ~800.
    const heavy = silencePosterior(2, 0, [4000], [10], 0.1);
    expect(Number.isFinite(heavy.logZ)).toBe(true);
    expect(heavy.alive).toBeLessThan(1e-100);
    expect(heavy.meanTau).toBeLessThan(0.01);
  });
});

describe('windowFactors', () => {
  it('are ∫₀¹ e^{−γτ} dτ and ∫₀¹ e^{−γτ} e^{−τ/s}/s dτ (midpoint rule), and the plain masses at γ = 0', () => {
    const s = [0.01, 0.5, 20];
    const out = new Float64Array(3);
    const base = windowFactors(s, 0.7, out);
    const n = 200000;
    let b = 0;
    const k = [0, 0, 0];
    for (let q = 0; q < n; q++) {
      const t = (q + 0.5) / n;
      b += Math.exp(-0.7 * t) / n;
      s.forEach((sr, r) => (k[r] += (Math.exp(-0.7 * t) * Math.exp(-t / sr)) / sr / n));
    }
    expect(base).toBeCloseTo(b, 8);
    out.forEach((v, r) => expect(v).toBeCloseTo(k[r], 5));
    expect(windowFactors(s, 0, out)).toBe(1);
    out.forEach((v, r) => expect(v).toBeCloseTo(1 - Math.exp(-1 / s[r]), 12));
  });
});
