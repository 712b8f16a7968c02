import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { fitHawkesPoisson } from './hawkesPoisson';
import type { HawkesModel } from './hawkes';
import { csrFromDense } from './testSupport';
import type { EvalSet } from '../../data/types';

/** A stand-in Hawkes model whose states are a fixed feature matrix (rows × K). */
function fakeHawkes(X: Float64Array, K: number): HawkesModel {
  const coef = {
    scales: [1],
    mu: 0.5,
    alpha: [0.5],
    beta: [0.5],
    gamma: 0,
    logLik: 0,
    logLikPerEvent: 0,
    iterations: 0,
    events: 0,
    users: 0,
  };
  return {
    name: 'Hawkes',
    coefficients: coef,
    states: () => X,
    predict: () => new Float64Array(X.length / K),
    intensityAt: () => new Float64Array(X.length / K),
    aliveAt: () => new Float64Array(X.length / K).fill(1),
  };
}

function poisson(rng: ReturnType<typeof createRng>, lam: number): number {
  let k = 0;
  let p = Math.exp(-lam);
  let s = p;
  const u = rng.next();
  while (u > s && k < 1000) {
    k++;
    p *= lam / k;
    s += p;
  }
  return k;
}

describe('fitHawkesPoisson', () => {
  const n = 4000;
  const K = 3;
  const rng = createRng(5);
  const X = new Float64Array(n * K);
  const wTrue = [0.3, 1.5, 0.8];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    X[i * K] = 1;
    X[i * K + 1] = rng.next() * 2;
    X[i * K + 2] = rng.exp();
    y.push(poisson(rng, X[i * K] * wTrue[0] + X[i * K + 1] * wTrue[1] + X[i * K + 2] * wTrue[2]));
  }
  const valid: EvalSet = {
    users: new Int32Array(n),
    testStart: new Float64Array(n),
    histEnd: new Int32Array(n),
    horizon: 1,
    target: csrFromDense(
      y.map((v) => [v]),
      1,
    ),
    excludeTrain: false,
  };

  it('recovers Poisson weights and reaches a stationary point of the loss (finite differences)', () => {
    const res = fitHawkesPoisson(fakeHawkes(X, K), valid);
    if (!res.ok) throw new Error(res.reason);
    const w = res.data.fit.weights;
    wTrue.forEach((t, k) => expect(Math.abs(w[k] - t)).toBeLessThan(0.15 * t + 0.05));
    // Loss written independently in the weight space v = softplus(w): stationary in every positive direction.
    const loss = (v: number[]) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const l = v[0] * X[i * K] + v[1] * X[i * K + 1] + v[2] * X[i * K + 2];
        s += l - y[i] * Math.log(1e-10 + l);
      }
      return s / n + (1e-3 / 2) * v.reduce((a, b) => a + b * b, 0);
    };
    for (let k = 0; k < K; k++) {
      const e = 1e-5;
      const up = w.slice();
      const dn = w.slice();
      up[k] += e;
      dn[k] -= e;
      expect(Math.abs((loss(up) - loss(dn)) / (2 * e))).toBeLessThan(1e-4);
    }
    expect(res.data.fit.lossEnd).toBeLessThanOrEqual(res.data.fit.lossStart);
    const pred = res.data.predict(valid);
    expect(pred[0]).toBeCloseTo(w[0] * X[0] + w[1] * X[1] + w[2] * X[2], 10);
  });
});
