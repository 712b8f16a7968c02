import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../util/rng';
import { advance, excitationAt, expectedCount, expm2, nextWait, stationaryRate, type HawkesParams } from './hawkes';

const P: HawkesParams = { mu: 0.02, aShort: 0.5, aLong: 0.3, betaShort: 1 / 5, betaLong: 1 / 60 };

/** The intensity straight from its definition λ(t) = μ + Σ a_k β_k e^{−β_k (t − t_i)} (independent of hawkes.ts). */
function intensity(p: HawkesParams, hist: number[], t: number): number {
  let l = p.mu;
  for (const ti of hist)
    if (ti < t)
      l +=
        p.aShort * p.betaShort * Math.exp(-p.betaShort * (t - ti)) +
        p.aLong * p.betaLong * Math.exp(-p.betaLong * (t - ti));
  return l;
}

/** Ogata thinning from the definition: count of events in [t0, t0 + tau) after history `hist`. */
function thinningCount(p: HawkesParams, hist: number[], t0: number, tau: number, rng: Rng): number {
  const h = [...hist];
  let t = t0;
  let n = 0;
  for (;;) {
    // Right limit at t (an event at t counts): the intensity only decays until the next event, so it bounds it.
    const bound = intensity(p, h, t + 1e-9) + 1e-12;
    t += rng.exp() / bound;
    if (t >= t0 + tau) return n;
    if (rng.next() * bound < intensity(p, h, t)) {
      h.push(t);
      n++;
    }
  }
}

describe('expectedCount (closed form of the expected-intensity ODE)', () => {
  it('matches an RK4 integration of dm/dt = A m + b', () => {
    for (const [e0, tau] of [
      [[0, 0], 100],
      [[0.3, 0.01], 50],
      [[0.05, 0.2], 400],
      [[1, 1], 3],
    ] as const) {
      // Independent: integrate the state (m_s, m_l, N) with classical RK4, step 0.01.
      const f = (m: number[]) => {
        const lam = P.mu + m[0] + m[1];
        return [
          -P.betaShort * m[0] + P.aShort * P.betaShort * lam,
          -P.betaLong * m[1] + P.aLong * P.betaLong * lam,
          lam,
        ];
      };
      let y = [e0[0], e0[1], 0];
      const h = 0.01;
      for (let s = 0; s < Math.round(tau / h); s++) {
        const k1 = f(y);
        const k2 = f(y.map((v, i) => v + (h / 2) * k1[i]));
        const k3 = f(y.map((v, i) => v + (h / 2) * k2[i]));
        const k4 = f(y.map((v, i) => v + h * k3[i]));
        y = y.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      }
      expect(expectedCount(P, { short: e0[0], long: e0[1] }, tau)).toBeCloseTo(y[2], 6);
    }
  });

  it('reduces to μτ without excitation and tends to the stationary rate μ/(1 − n)', () => {
    const poisson = { ...P, aShort: 0, aLong: 0 };
    expect(expectedCount(poisson, { short: 0, long: 0 }, 123)).toBeCloseTo(0.02 * 123, 12);
    const slope = (expectedCount(P, { short: 0, long: 0 }, 2e5) - expectedCount(P, { short: 0, long: 0 }, 1e5)) / 1e5;
    expect(slope).toBeCloseTo(0.02 / 0.2, 8);
    expect(stationaryRate(P)).toBeCloseTo(0.1, 12);
    expect(expectedCount(P, { short: 0, long: 0 }, 0)).toBe(0);
  });

  it('equals the mean count of a thinning simulation from a given history (n = 4000)', () => {
    const hist = [0, 3, 4, 30, 31, 32];
    const t0 = 35;
    const tau = 80;
    const e0 = excitationAt(P, hist, 0, hist.length, t0);
    expect(P.mu + e0.short + e0.long).toBeCloseTo(intensity(P, hist, t0), 12);
    const rng = createRng(11);
    const n = 4000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const c = thinningCount(P, hist, t0, tau, rng);
      s += c;
      s2 += c * c;
    }
    const mean = s / n;
    const se = Math.sqrt((s2 / n - mean * mean) / n);
    expect(Math.abs(mean - expectedCount(P, e0, tau))).toBeLessThan(4 * se);
  });
});

describe('exact event sampling (nextWait + advance)', () => {
  it('gives the same mean count as the closed form and thinning (n = 20000)', () => {
    const e0 = { short: 0.4, long: 0.02 };
    const tau = 60;
    const rng = createRng(5);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let e = e0;
      let t = 0;
      let c = 0;
      for (;;) {
        const dt = nextWait(P, e, rng);
        t += dt;
        if (t >= tau) break;
        c++;
        e = advance(P, e, dt, true);
      }
      s += c;
      s2 += c * c;
    }
    const mean = s / n;
    const se = Math.sqrt((s2 / n - mean * mean) / n);
    expect(Math.abs(mean - expectedCount(P, e0, tau))).toBeLessThan(4 * se);
  });

  it('has the first-event law P(no event in τ) = exp(−∫λ) of the decaying intensity', () => {
    // Without new events λ(t) = μ + E_s e^{−β_s t} + E_l e^{−β_l t}; ∫₀^τ λ = μτ + E_s(1−e^{−β_s τ})/β_s + E_l(1−e^{−β_l τ})/β_l.
    const e0 = { short: 0.3, long: 0.05 };
    const tau = 10;
    const integral =
      P.mu * tau +
      (e0.short * (1 - Math.exp(-P.betaShort * tau))) / P.betaShort +
      (e0.long * (1 - Math.exp(-P.betaLong * tau))) / P.betaLong;
    const rng = createRng(9);
    const n = 40000;
    let none = 0;
    for (let i = 0; i < n; i++) if (nextWait(P, e0, rng) >= tau) none++;
    const p = Math.exp(-integral);
    expect(Math.abs(none / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('expm2', () => {
  it('matches a Taylor series of e^{Aτ}', () => {
    const A = [-0.3, 0.2, 0.05, -0.1];
    const tau = 2.5;
    // Σ (Aτ)^k / k!, 40 terms.
    let term = [1, 0, 0, 1];
    const sum = [1, 0, 0, 1];
    for (let k = 1; k < 40; k++) {
      term = [
        ((term[0] * A[0] + term[1] * A[2]) * tau) / k,
        ((term[0] * A[1] + term[1] * A[3]) * tau) / k,
        ((term[2] * A[0] + term[3] * A[2]) * tau) / k,
        ((term[2] * A[1] + term[3] * A[3]) * tau) / k,
      ];
      for (let i = 0; i < 4; i++) sum[i] += term[i];
    }
    const x = expm2(A[0], A[1], A[2], A[3], tau);
    for (let i = 0; i < 4; i++) expect(x[i]).toBeCloseTo(sum[i], 12);
  });
});
