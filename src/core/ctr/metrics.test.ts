import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../util/rng';
import type { Result } from '../util/result';
import {
  adjustedRandIndex,
  ascendingOrder,
  auc,
  calibration,
  gauc,
  logloss,
  LOGLOSS_EPS,
  multiTaskAuc,
  relImpr,
  rocCurve,
} from './metrics';

const value = <T>(r: Result<T, string>): T => {
  if (!r.ok) throw new Error(`expected a value, got ${r.code}: ${r.reason}`);
  return r.data;
};

/** Pairwise AUC: every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
function bruteAuc(y: ArrayLike<number>, s: ArrayLike<number>, rows: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (const i of rows)
    for (const j of rows)
      if (y[i] === 1 && y[j] === 0) {
        pairs++;
        sum += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return sum / pairs;
}

/** A random case: labels with rate `rate`, scores from `levels` distinct values (ties) or continuous (levels 0). */
function randomCase(rng: Rng, n: number, rate: number, levels: number) {
  const y = new Uint8Array(n);
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < rate ? 1 : 0;
    const x = levels > 0 ? rng.int(levels) / levels : rng.next();
    // Scores carry some signal so AUCs spread away from 0.5.
    s[i] = Math.fround(levels > 0 ? Math.min(1, x + (y[i] ? 0.2 * rng.next() : 0)) : x + (y[i] ? 0.3 : 0));
  }
  return { y, s };
}

describe('ascendingOrder', () => {
  it('is a stable argsort by value for float64 and float32 scores: negatives, ±0, ±∞, ties; over rows too', () => {
    const rng = createRng(2);
    const cmp = (s: ArrayLike<number>) => (a: number, b: number) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : a - b);
    const pool = [-Infinity, -1e300, -3.5, -1e-310, -0, 0, 1e-310, 0.1, 0.1 + 1e-17, 2, 7e12, Infinity];
    for (let t = 0; t < 30; t++) {
      const n = 1 + rng.int(400);
      const s64 = Float64Array.from({ length: n }, () =>
        rng.next() < 0.5 ? pool[rng.int(pool.length)] : rng.normal(),
      );
      const s32 = Float32Array.from(s64);
      for (const s of [s64, s32, Array.from(s64)]) {
        const want = Array.from({ length: n }, (_, i) => i).sort(cmp(s));
        expect(Array.from(value(ascendingOrder(s, null, n)))).toEqual(want);
        const rows = Int32Array.from(want.filter(() => rng.next() < 0.5).sort((a, b) => b - a));
        // Equal scores keep the order of `rows` (here descending row numbers): Array.prototype.sort is stable.
        const wantRows = Array.from(rows).sort((a, b) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : 0));
        expect(Array.from(value(ascendingOrder(s, rows, rows.length)))).toEqual(wantRows);
      }
    }
  });
});

describe('auc', () => {
  it('equals the pairwise count (ties ½) on random cases, over all rows and over a subset', () => {
    const rng = createRng(11);
    for (let t = 0; t < 60; t++) {
      const n = 2 + rng.int(120);
      const { y, s } = randomCase(rng, n, 0.1 + 0.8 * rng.next(), t % 3 === 0 ? 0 : 1 + rng.int(6));
      const all = Array.from({ length: n }, (_, i) => i);
      if (y.some((v) => v === 1) && y.some((v) => v === 0))
        expect(value(auc(y, s))).toBeCloseTo(bruteAuc(y, s, all), 12);
      const sub = all.filter(() => rng.next() < 0.6);
      const ys = sub.map((i) => y[i]);
      if (ys.includes(1) && ys.includes(0))
        expect(value(auc(y, s, Int32Array.from(sub)))).toBeCloseTo(bruteAuc(y, s, sub), 12);
    }
  });

  it('hand-computed: perfect, reversed, all tied, and one tie between classes', () => {
    const y = Uint8Array.from([0, 0, 1, 1]);
    expect(value(auc(y, [0.1, 0.2, 0.3, 0.4]))).toBe(1);
    expect(value(auc(y, [0.4, 0.3, 0.2, 0.1]))).toBe(0);
    expect(value(auc(y, [0.5, 0.5, 0.5, 0.5]))).toBe(0.5);
    // Pairs (pos, neg): (0.3 vs 0.1) 1, (0.3 vs 0.3) ½, (0.4 vs 0.1) 1, (0.4 vs 0.3) 1 → 3.5 / 4.
    expect(value(auc(y, [0.1, 0.3, 0.3, 0.4]))).toBe(0.875);
  });

  it('one class, no rows, mismatched lengths and NaN scores are reasons, never NaN', () => {
    const r1 = auc(Uint8Array.from([1, 1]), [0.2, 0.3]);
    expect(!r1.ok && [r1.code, r1.reason]).toEqual([
      'undefined',
      'all 2 impressions are positives: AUC needs both classes',
    ]);
    const r2 = auc(Uint8Array.from([0, 1]), [0.2, 0.3], new Int32Array(0));
    expect(!r2.ok && r2.code).toBe('undefined');
    const r3 = auc(Uint8Array.from([0, 1]), [0.2]);
    expect(!r3.ok && r3.code).toBe('bad-input');
    const r4 = auc(Uint8Array.from([0, 1]), [0.2, NaN]);
    expect(!r4.ok && r4.reason).toBe('the score of impression 1 is not a number');
    const r5 = auc(Uint8Array.from([0, 1]), [0.2, 0.1], Int32Array.from([0, 5]));
    expect(!r5.ok && r5.code).toBe('bad-input');
  });
});

describe('gauc', () => {
  /** Per-user brute-force AUC weighted by the user's rows, users with both classes only. */
  function bruteGauc(g: Int32Array, y: Uint8Array, s: Float32Array, rows: number[]) {
    const byUser = new Map<number, number[]>();
    for (const i of rows) byUser.set(g[i], [...(byUser.get(g[i]) ?? []), i]);
    let w = 0;
    let sum = 0;
    let left = 0;
    let users = 0;
    for (const rs of byUser.values()) {
      const ys = rs.map((i) => y[i]);
      if (!ys.includes(1) || !ys.includes(0)) {
        left++;
        continue;
      }
      users++;
      w += rs.length;
      sum += rs.length * bruteAuc(y, s, rs);
    }
    return { value: sum / w, users, usersLeftOut: left, impressions: w };
  }

  it('equals per-user brute force weighted by impressions, with the users left out counted', () => {
    const rng = createRng(5);
    for (let t = 0; t < 40; t++) {
      const n = 5 + rng.int(200);
      const nUsers = 1 + rng.int(12);
      const { y, s } = randomCase(rng, n, 0.3, t % 2 ? 4 : 0);
      const g = Int32Array.from({ length: n }, () => rng.int(nUsers) * 2); // gaps in the group ids
      const rows = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.8);
      const want = bruteGauc(g, y, s, rows);
      const got = gauc(g, y, s, Int32Array.from(rows));
      if (want.users === 0) {
        expect(!got.ok && got.code).toBe('undefined');
        continue;
      }
      const v = value(got);
      expect(v.value).toBeCloseTo(want.value, 12);
      expect([v.users, v.usersLeftOut, v.impressions]).toEqual([want.users, want.usersLeftOut, want.impressions]);
    }
  });

  it('hand-computed: user 0 perfect (3 rows), user 1 at chance (2 rows, tied), user 2 one class', () => {
    const g = Int32Array.from([0, 0, 0, 1, 1, 2]);
    const y = Uint8Array.from([1, 0, 0, 1, 0, 1]);
    const s = Float32Array.from([0.9, 0.1, 0.2, 0.5, 0.5, 0.3]);
    // (3·1 + 2·0.5) / 5
    expect(value(gauc(g, y, s))).toEqual({ value: 0.8, users: 2, usersLeftOut: 1, impressions: 5 });
    const none = gauc(g, y, s, Int32Array.from([0, 5]));
    expect(!none.ok && none.reason).toBe(
      'none of the 2 users has both a click and a non-click: GAUC needs users with both classes',
    );
  });
});

describe('logloss', () => {
  it('is the mean cross-entropy, hand-computed, with p clipped to [ε, 1 − ε]', () => {
    const y = Uint8Array.from([1, 0, 1, 0]);
    const p = [0.8, 0.3, 1, 1];
    const want = -(Math.log(0.8) + Math.log(0.7) + Math.log(1 - LOGLOSS_EPS) + Math.log(1 - (1 - LOGLOSS_EPS))) / 4;
    expect(value(logloss(y, p))).toBeCloseTo(want, 12);
    expect(value(logloss(y, p, Int32Array.from([0, 1])))).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    const empty = logloss(y, p, new Int32Array(0));
    expect(!empty.ok && empty.code).toBe('undefined');
    const out = logloss(y, [0.5, 1.5, 0, 0]);
    expect(!out.ok && out.reason).toBe('the probability of impression 1 is 1.5, not in [0, 1]');
  });
});

describe('relImpr', () => {
  it('closed form, and MuseNet Table 2 (OTP AUC column against BaseModel 0.7521) to its rounding', () => {
    expect(value(relImpr(0.75, 0.7))).toBeCloseTo(25, 12);
    expect(value(relImpr(0.7, 0.7))).toBe(0);
    const table: [number, number][] = [
      [0.7613, 3.64],
      [0.7617, 3.82],
      [0.7636, 4.56],
      [0.7706, 7.33],
    ];
    for (const [a, pct] of table) expect(Math.abs(value(relImpr(a, 0.7521)) - pct)).toBeLessThan(0.02);
    const chance = relImpr(0.6, 0.5);
    expect(!chance.ok && chance.code).toBe('undefined');
    // Below chance the ratio's sign flips (0.6 over a 0.45 base would read as −300 %): undefined too.
    const below = relImpr(0.6, 0.45);
    expect(!below.ok && below.code).toBe('undefined');
  });
});

describe('multiTaskAuc', () => {
  it('click AUC over all, conversion AUC over clicks only, click·conversion AUC of pCTR·pCVR over all', () => {
    const rng = createRng(9);
    const n = 300;
    const click = new Uint8Array(n);
    const conv = new Uint8Array(n);
    const pCtr = new Float32Array(n);
    const pCvr = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      click[i] = rng.next() < 0.3 ? 1 : 0;
      conv[i] = click[i] && rng.next() < 0.4 ? 1 : 0;
      pCtr[i] = Math.fround(0.5 * rng.next() + 0.3 * click[i]);
      pCvr[i] = Math.fround(rng.int(5) / 5 + 0.1 * conv[i]);
    }
    const all = Array.from({ length: n }, (_, i) => i);
    const clicked = all.filter((i) => click[i] === 1);
    const m = multiTaskAuc(click, conv, pCtr, pCvr);
    expect(value(m.click)).toBeCloseTo(bruteAuc(click, pCtr, all), 12);
    expect(value(m.conversion)).toBeCloseTo(bruteAuc(conv, pCvr, clicked), 12);
    const both = Uint8Array.from(all, (i) => click[i] * conv[i]);
    const joint = Float64Array.from(all, (i) => pCtr[i] * pCvr[i]);
    expect(value(m.clickConversion)).toBeCloseTo(bruteAuc(both, joint, all), 12);
    // Only non-clicked rows: the conversion AUC has no population.
    const none = multiTaskAuc(click, conv, pCtr, pCvr, Int32Array.from(all.filter((i) => click[i] === 0)));
    expect(!none.conversion.ok && none.conversion.reason).toBe('no clicked impressions: conversion AUC is over clicks');
  });
});

describe('rocCurve', () => {
  it('every point is (FP/N, TP/P) at its threshold; full curve area = AUC; ≤ maxPoints after downsampling', () => {
    const rng = createRng(3);
    for (let t = 0; t < 20; t++) {
      const n = 20 + rng.int(600);
      const { y, s } = randomCase(rng, n, 0.4, t % 2 ? 7 : 0);
      const P = y.reduce((a, v) => a + v, 0);
      const N = n - P;
      const full = value(rocCurve(y, s, undefined, 1e9));
      const small = value(rocCurve(y, s, undefined, 50));
      expect(full.fpr.length).toBe(new Set(s).size + 1);
      expect(small.fpr.length).toBe(Math.min(50, full.fullPoints));
      for (const c of [full, small]) {
        expect([c.fpr[0], c.tpr[0], c.fpr[c.fpr.length - 1], c.tpr[c.tpr.length - 1]]).toEqual([0, 0, 1, 1]);
        for (let k = 1; k < c.fpr.length; k++) {
          let tp = 0;
          let fp = 0;
          for (let i = 0; i < n; i++)
            if (s[i] >= c.threshold[k]) {
              tp += y[i];
              fp += 1 - y[i];
            }
          expect([c.fpr[k], c.tpr[k]]).toEqual([fp / N, tp / P]);
          expect(c.threshold[k]).toBeLessThan(c.threshold[k - 1]);
        }
      }
      let area = 0;
      for (let k = 1; k < full.fpr.length; k++)
        area += ((full.fpr[k] - full.fpr[k - 1]) * (full.tpr[k] + full.tpr[k - 1])) / 2;
      expect(area).toBeCloseTo(value(auc(y, s)), 12);
    }
  });
});

describe('calibration', () => {
  it('deciles by rank (ties in row order) against a comparator sort, and a hand case', () => {
    const rng = createRng(17);
    const n = 537;
    const { y, s } = randomCase(rng, n, 0.2, 9);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b] || a - b);
    const bins = value(calibration(y, s));
    expect(bins.length).toBe(10);
    for (let b = 0; b < 10; b++) {
      const idx = order.slice(Math.floor((b * n) / 10), Math.floor(((b + 1) * n) / 10));
      expect(bins[b].count).toBe(idx.length);
      expect(bins[b].predicted).toBeCloseTo(idx.reduce((a, i) => a + s[i], 0) / idx.length, 12);
      expect(bins[b].observed).toBeCloseTo(idx.reduce((a, i) => a + y[i], 0) / idx.length, 12);
      expect([bins[b].lo, bins[b].hi]).toEqual([s[idx[0]], s[idx[idx.length - 1]]]);
    }
    const two = value(calibration(Uint8Array.from([0, 1, 1, 0]), [0.9, 0.1, 0.8, 0.2], undefined, 2));
    expect(two).toEqual([
      { count: 2, predicted: 0.15000000000000002, observed: 0.5, lo: 0.1, hi: 0.2 },
      { count: 2, predicted: 0.8500000000000001, observed: 0.5, lo: 0.8, hi: 0.9 },
    ]);
    const few = calibration(Uint8Array.from([0, 1]), [0.1, 0.2]);
    expect(!few.ok && few.code).toBe('undefined');
  });
});

describe('adjustedRandIndex', () => {
  /** ARI from pair counts (n11 together in both, n10, n01, n00): 2(n00·n11 − n01·n10) / ((n00+n01)(n01+n11) + (n00+n10)(n10+n11)). */
  function pairAri(a: number[], b: number[]): number {
    let n11 = 0;
    let n10 = 0;
    let n01 = 0;
    let n00 = 0;
    for (let i = 0; i < a.length; i++)
      for (let j = i + 1; j < a.length; j++) {
        const sa = a[i] === a[j];
        const sb = b[i] === b[j];
        if (sa && sb) n11++;
        else if (sa) n10++;
        else if (sb) n01++;
        else n00++;
      }
    return (2 * (n00 * n11 - n01 * n10)) / ((n00 + n01) * (n01 + n11) + (n00 + n10) * (n10 + n11));
  }

  it('equals the pair-count form on random labelings; known values; label names do not matter', () => {
    const rng = createRng(23);
    for (let t = 0; t < 40; t++) {
      const n = 2 + rng.int(80);
      const a = Array.from({ length: n }, () => rng.int(1 + rng.int(5)));
      const b = a.map((v) => (rng.next() < 0.6 ? v * 7 + 3 : rng.int(4)));
      const want = pairAri(a, b);
      if (Number.isFinite(want)) expect(value(adjustedRandIndex(a, b))).toBeCloseTo(want, 12);
    }
    // scikit-learn's documented examples.
    expect(value(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]))).toBeCloseTo(0.5714285714285715, 12);
    expect(value(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]))).toBeCloseTo(0.5714285714285715, 12);
    expect(value(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]))).toBeCloseTo(-0.5, 12);
    expect(value(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]))).toBe(1);
    expect(value(adjustedRandIndex([0, 0, 0], [5, 5, 5]))).toBe(1);
    expect(value(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]))).toBe(0);
    const one = adjustedRandIndex([1], [1]);
    expect(!one.ok && one.code).toBe('undefined');
  });
});
