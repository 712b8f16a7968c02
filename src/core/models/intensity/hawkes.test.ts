import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../util/rng';
import { fitHawkes, defaultScales } from './hawkes';
import { datasetFrom, temporalEvalSet, trainEndsBefore } from './testSupport';

/** Ogata thinning for λ(t) = μ + Σ_{events i} a · e^{−(t−t_i)/s}/s on [0, end), with an event at 0 (the user's start). */
function simulateUser(rng: Rng, mu: number, a: number, s: number, end: number): number[] {
  const ts = [0];
  let t = 0;
  for (;;) {
    const lamNow = mu + ts.reduce((acc, ti) => acc + (a * Math.exp(-(t - ti) / s)) / s, 0);
    t += rng.exp() / lamNow; // λ only decays until the next event, so λ(t+) bounds it
    if (t >= end) return ts;
    const lamT = mu + ts.reduce((acc, ti) => acc + (a * Math.exp(-(t - ti) / s)) / s, 0);
    if (rng.next() * lamNow <= lamT) ts.push(t);
  }
}

function simulatedDataset(seed: number, users: number, mu: number, a: number, s: number, end: number, h: number) {
  const rng = createRng(seed);
  const events: [number, number, number][] = [];
  for (let u = 0; u < users; u++) {
    const start = rng.next() * 5; // users start at different times (horizons)
    for (const t of simulateUser(rng, mu, a, s, end - start)) events.push([u, 0, (start + t) * h + 1e6]);
  }
  return datasetFrom(events, users, 1);
}

/** λ(t) by direct summation over the user's events (time in horizons from the first event), given coefficients. */
function bruteLambda(ts: number[], t: number, scales: number[], mu: number, alpha: number[], beta: number[]): number {
  let l = mu;
  scales.forEach((s, r) => {
    if (t > 0) l += (beta[r] * Math.exp(-t / s)) / s;
    for (let j = 1; j < ts.length; j++) if (ts[j] < t) l += (alpha[r] * Math.exp(-(t - ts[j]) / s)) / s;
  });
  return l;
}

describe('fitHawkes', () => {
  it('recovers μ, α, β of a simulated single-kernel process', () => {
    const h = 100;
    const d = simulatedDataset(7, 300, 0.5, 0.5, 2, 60, h);
    const res = fitHawkes(d, d.userOffsets.slice(1), { horizon: h, scales: [2], observeEnd: 1e6 + 60 * h });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const c = res.data.coefficients;
    expect(c.mu).toBeGreaterThan(0.5 * 0.85);
    expect(c.mu).toBeLessThan(0.5 * 1.15);
    expect(c.alpha[0]).toBeGreaterThan(0.5 * 0.85);
    expect(c.alpha[0]).toBeLessThan(0.5 * 1.15);
    expect(c.beta[0]).toBeGreaterThan(0.5 * 0.5);
    expect(c.beta[0]).toBeLessThan(0.5 * 1.5);
  });

  it('satisfies the KKT conditions of the likelihood, with features computed by brute force', () => {
    const h = 10;
    const d = simulatedDataset(3, 40, 0.3, 0.6, 0.5, 30, h);
    const end = 1e6 + 30 * h;
    const res = fitHawkes(d, d.userOffsets.slice(1), { horizon: h, observeEnd: end, maxIter: 3000, tol: 1e-13 });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { scales, mu, alpha, beta } = res.data.coefficients;
    const R = scales.length;
    // Gradient of Σ log λ(t_j) − ∫λ in each coefficient: Σ_j f_jk / λ_j − G_k.
    const grad = new Array<number>(1 + 2 * R).fill(0);
    for (let u = 0; u < d.nUsers; u++) {
      const a = d.userOffsets[u];
      const b = d.userOffsets[u + 1];
      const ts = Array.from(d.time.subarray(a, b), (t) => (t - d.time[a]) / h);
      const T = (end - d.time[a]) / h;
      grad[0] -= T;
      scales.forEach((s, r) => {
        grad[1 + R + r] -= 1 - Math.exp(-T / s);
        for (let j = 1; j < ts.length; j++) grad[1 + r] -= 1 - Math.exp(-(T - ts[j]) / s);
      });
      for (let j = 1; j < ts.length; j++) {
        const lam = bruteLambda(ts, ts[j], scales, mu, alpha, beta);
        grad[0] += 1 / lam;
        scales.forEach((s, r) => {
          if (ts[j] > 0) grad[1 + R + r] += Math.exp(-ts[j] / s) / s / lam;
          for (let i = 1; i < j; i++) if (ts[i] < ts[j]) grad[1 + r] += Math.exp(-(ts[j] - ts[i]) / s) / s / lam;
        });
      }
    }
    const coef = [mu, ...alpha, ...beta];
    const events = d.user.length - d.nUsers;
    coef.forEach((c, k) => {
      // Active coefficients: zero gradient; coefficients at (near) zero: non-positive gradient.
      if (c > 1e-4) expect(Math.abs(grad[k]) / events).toBeLessThan(2e-3);
      else expect(grad[k] / events).toBeLessThan(2e-3);
    });
  });

  it('predicts the window integral of λ (numerical quadrature of the brute-force λ) and λ(T)', () => {
    const h = 50;
    const d = simulatedDataset(11, 30, 0.4, 0.5, 1, 20, h);
    const T = 1e6 + 15 * h;
    const trainEnd = trainEndsBefore(d, T);
    const res = fitHawkes(d, trainEnd, { horizon: h, observeEnd: T });
    if (!res.ok) throw new Error(res.reason);
    const rows = temporalEvalSet(d, T, h);
    const pred = res.data.predict(rows);
    const lamT = res.data.intensityAt(rows);
    const { scales, mu, alpha, beta } = res.data.coefficients;
    for (let r = 0; r < rows.users.length; r++) {
      const u = rows.users[r];
      const a = d.userOffsets[u];
      const ts = Array.from(d.time.subarray(a, rows.histEnd[r]), (t) => (t - d.time[a]) / h);
      if (ts.length === 0) {
        expect(pred[r]).toBeCloseTo(mu, 10);
        continue;
      }
      const x0 = (T - d.time[a]) / h;
      // Midpoint rule over the window [T, T + 1 horizon) on a fine grid.
      const steps = 4000;
      let integral = 0;
      for (let k = 0; k < steps; k++)
        integral += bruteLambda(ts, x0 + (k + 0.5) / steps, scales, mu, alpha, beta) / steps;
      expect(pred[r]).toBeCloseTo(integral, 3);
      expect(lamT[r]).toBeCloseTo(bruteLambda(ts, x0, scales, mu, alpha, beta), 8);
    }
  });

  it('refuses a bad horizon and data without events, as values', () => {
    const d = datasetFrom([[0, 0, 1]], 1, 1);
    const r1 = fitHawkes(d, Int32Array.of(1), { horizon: 0 });
    expect(r1.ok === false && r1.code).toBe('bad-option');
    const r2 = fitHawkes(d, Int32Array.of(0), { horizon: 1 });
    expect(r2.ok === false && r2.code).toBe('no-data');
  });

  it('spaces default scales logarithmically from 1e-3 to 10× the span', () => {
    const s = defaultScales(100);
    expect(s[0]).toBeCloseTo(1e-3, 12);
    expect(s[s.length - 1]).toBeCloseTo(1000, 6);
    for (let i = 2; i < s.length; i++) expect(s[i] / s[i - 1]).toBeCloseTo(s[1] / s[0], 8);
  });
});
