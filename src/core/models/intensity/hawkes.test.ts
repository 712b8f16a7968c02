import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../util/rng';
import { fitHawkes, defaultScales } from './hawkes';
import { fitHawkesPoisson } from './hawkesPoisson';
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

/** As simulatedDataset, each user leaving after an exponential time of mean `life` horizons (none after). */
function churnedDataset(
  seed: number,
  users: number,
  mu: number,
  a: number,
  s: number,
  end: number,
  life: number,
  h: number,
) {
  const rng = createRng(seed);
  const events: [number, number, number][] = [];
  for (let u = 0; u < users; u++) {
    const start = rng.next() * 5;
    const stop = Math.min(end - start, rng.exp() * life);
    for (const t of simulateUser(rng, mu, a, s, stop)) events.push([u, 0, (start + t) * h + 1e6]);
  }
  return datasetFrom(events, users, 1);
}

/**
 * The silence after the last event x_n by midpoints: stay = e^{−γτ_E − Λ(τ_E)} (still there at the end) and gone =
 * ∫₀^τ_E γ e^{−γτ − Λ(τ)} dτ (left during it), Λ(τ) = ∫ λ(x_n + s) ds summed along the way.
 */
function silence(lam: (x: number) => number, xn: number, tauE: number, gamma: number, steps: number) {
  const dt = tauE / steps;
  let Lam = 0;
  let gone = 0;
  for (let k = 0; k < steps; k++) {
    const half = lam(xn + (k + 0.5) * dt) * dt;
    gone += gamma * Math.exp(-gamma * (k + 0.5) * dt - (Lam + half / 2)) * dt;
    Lam += half;
  }
  return { stay: Math.exp(-gamma * tauE - Lam), gone };
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
    const res = fitHawkes(d, d.userOffsets.slice(1), {
      horizon: h,
      scales: [2],
      observeEnd: 1e6 + 60 * h,
      churn: false,
    });
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

  it('without churn, satisfies the KKT conditions of the likelihood, with features computed by brute force', () => {
    const h = 10;
    const d = simulatedDataset(3, 40, 0.3, 0.6, 0.5, 30, h);
    const end = 1e6 + 30 * h;
    const res = fitHawkes(d, d.userOffsets.slice(1), {
      horizon: h,
      observeEnd: end,
      maxIter: 3000,
      tol: 1e-13,
      churn: false,
    });
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

  it('without churn, predicts the window integral of λ (numerical quadrature of the brute-force λ) and λ(T)', () => {
    const h = 50;
    const d = simulatedDataset(11, 30, 0.4, 0.5, 1, 20, h);
    const T = 1e6 + 15 * h;
    const trainEnd = trainEndsBefore(d, T);
    const res = fitHawkes(d, trainEnd, { horizon: h, observeEnd: T, churn: false });
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

  it('with churn: predicts P(still there) × the window integral with leaving, both by brute-force quadrature', () => {
    const h = 50;
    const d = churnedDataset(5, 60, 0.4, 0.5, 1, 30, 6, h);
    const T = 1e6 + 25 * h;
    const res = fitHawkes(d, trainEndsBefore(d, T), { horizon: h, observeEnd: T });
    if (!res.ok) throw new Error(res.reason);
    const { scales, mu, alpha, beta, gamma } = res.data.coefficients;
    expect(gamma).toBeGreaterThan(0);
    const rows = temporalEvalSet(d, T, h);
    const pred = res.data.predict(rows);
    const lamT = res.data.intensityAt(rows);
    const alive = res.data.aliveAt(rows);
    let someGone = false;
    for (let r = 0; r < rows.users.length; r++) {
      const a = d.userOffsets[rows.users[r]];
      const ts = Array.from(d.time.subarray(a, rows.histEnd[r]), (t) => (t - d.time[a]) / h);
      if (ts.length === 0) continue;
      const lam = (x: number) => bruteLambda(ts, x, scales, mu, alpha, beta);
      const xn = ts[ts.length - 1];
      const tauE = (T - d.time[a]) / h - xn;
      const { stay, gone } = silence(lam, xn, tauE, gamma, 5000);
      const p = stay / (stay + gone);
      expect(alive[r]).toBeCloseTo(p, 3);
      if (p < 0.5) someGone = true;
      // Window: P(alive) ∫₀¹ e^{−γs} λ(T + s) ds, midpoints.
      const x0 = xn + tauE;
      let w = 0;
      for (let k = 0; k < 4000; k++) w += (Math.exp((-gamma * (k + 0.5)) / 4000) * lam(x0 + (k + 0.5) / 4000)) / 4000;
      expect(pred[r]).toBeCloseTo(p * w, 3);
      expect(lamT[r]).toBeCloseTo(p * lam(x0), 6);
    }
    expect(someGone).toBe(true);
  });

  it('with churn, γ maximises the marginal likelihood (recomputed by brute force), which beats the plain fit', () => {
    const h = 20;
    const d = churnedDataset(9, 50, 0.5, 0.4, 0.5, 20, 5, h);
    const end = 1e6 + 20 * h;
    // Scales the midpoint sums below resolve (0.5 and 4 horizons; the default grid starts at 1e-3).
    const scales = [0.5, 4];
    const opts = { horizon: h, observeEnd: end, scales, maxEm: 500, tol: 1e-13 };
    const res = fitHawkes(d, d.userOffsets.slice(1), opts);
    const plain = fitHawkes(d, d.userOffsets.slice(1), { ...opts, churn: false });
    if (!res.ok || !plain.ok) throw new Error('fit failed');
    const c = res.data.coefficients;
    // Σ_users [Σ_{j≥1} log λ(t_j) − Λ(t₀, t_n) − γ(t_n − t₀) + log Z], Z over the silence by midpoints.
    const marginal = (gamma: number): number => {
      let L = 0;
      for (let u = 0; u < d.nUsers; u++) {
        const a = d.userOffsets[u];
        const b = d.userOffsets[u + 1];
        const ts = Array.from(d.time.subarray(a, b), (t) => (t - d.time[a]) / h);
        const lam = (x: number) => bruteLambda(ts, x, c.scales, c.mu, c.alpha, c.beta);
        for (let j = 1; j < ts.length; j++) L += Math.log(lam(ts[j]));
        const xn = ts[ts.length - 1];
        const steps = 4000;
        let Lam = 0;
        for (let k = 0; k < steps; k++) Lam += lam(((k + 0.5) / steps) * xn) * (xn / steps);
        L -= Lam + gamma * xn;
        const { stay, gone } = silence(lam, xn, (end - d.time[a]) / h - xn, gamma, steps);
        L += Math.log(stay + gone);
      }
      return L;
    };
    const at = marginal(c.gamma);
    expect(at / c.logLik).toBeCloseTo(1, 4);
    expect(at).toBeGreaterThan(marginal(c.gamma * 1.1));
    expect(at).toBeGreaterThan(marginal(c.gamma * 0.9));
    expect(c.logLik).toBeGreaterThan(plain.data.coefficients.logLik);
  });

  it('a user who stopped 100 days ago ranks below an active user, whatever its count (HP too); the plain fit ranks it above', () => {
    // Users with steady rates from 0.1 to 3 per 50-day horizon, half of them leaving after ~100 days, fitted over
    // eight horizons with three probe users.
    const DAY = 86_400;
    const h = 50 * DAY;
    const rng = createRng(4);
    const events: [number, number, number][] = [];
    const nU = 300;
    const T = 1e9 + 8 * h;
    for (let u = 0; u < nU; u++) {
      const rate = (0.1 * 30 ** rng.next()) / h;
      const start = 1e9 + rng.next() * 4 * h;
      const stop = rng.next() < 0.5 ? start + rng.exp() * 2 * h : T;
      for (let t = start; t < Math.min(stop, T); t += rng.exp() / rate) events.push([u, 0, t]);
    }
    // Probes: users nU and nU + 1 went quiet 100 days ago after 400 and 4,000 events in 200 days; nU + 2 has 200
    // events up to yesterday.
    const evenly = (u: number, n: number, last: number) => {
      for (let j = 0; j < n; j++) events.push([u, 0, last - (200 * DAY * j) / n]);
    };
    evenly(nU, 400, T - 100 * DAY);
    evenly(nU + 1, 4000, T - 100 * DAY);
    evenly(nU + 2, 200, T - DAY);
    const d = datasetFrom(events, nU + 3, 1);
    const rows = temporalEvalSet(d, T, h, [nU, nU + 1, nU + 2]);
    const withChurn = fitHawkes(d, d.userOffsets.slice(1), { horizon: h, observeEnd: T });
    const plain = fitHawkes(d, d.userOffsets.slice(1), { horizon: h, observeEnd: T, churn: false });
    if (!withChurn.ok || !plain.ok) throw new Error('fit failed');
    const [gone, goneHeavy, active] = withChurn.data.predict(rows);
    expect(gone).toBeLessThan(active);
    expect(goneHeavy).toBeLessThan(active);
    // Linear in the count: the plain fit ranks the heavy user who left above the active one.
    const [, goneHeavy0, active0] = plain.data.predict(rows);
    expect(goneHeavy0).toBeGreaterThan(active0);
    // Hawkes-Poisson calibrated on the validation window [T − h, T) on the churn-aware features keeps the order
    // (on the plain features here too: its positive weights find the short kernels).
    const hp = fitHawkesPoisson(withChurn.data, temporalEvalSet(d, T - h, h));
    if (!hp.ok) throw new Error(hp.reason);
    const [hGone, hGoneHeavy, hActive] = hp.data.predict(rows);
    expect(Math.max(hGone, hGoneHeavy)).toBeLessThan(hActive);
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
