/**
 * Metrics of the click-and-conversion track (papers 002 and 003): AUC, GAUC, Logloss and RelaImpr (003 §4.1), the
 * multi-task AUCs of a click-and-conversion model (002), ROC points, calibration in deciles, and the adjusted Rand
 * index between two labelings (MuseNet's learned scenarios against the true ones).
 *
 * Inputs are parallel arrays over impressions (a log's `click`, a model's scores) and optionally `rows`, the
 * impressions to score (a split's `test`). A label counts as positive when it is ≥ 0.5 (0/1 as Uint8Array or
 * Float32Array). A value that is not defined (no rows, one class only) is a Result with the reason, never NaN.
 */
import { err, ok, type Result } from '../util/result';

/** 'undefined': the metric has no value on these rows (one class, no rows); 'bad-input': lengths or NaN scores. */
export type MetricCode = 'undefined' | 'bad-input';
export type Metric = Result<number, MetricCode>;

/** Predicted probabilities are clipped to [ε, 1 − ε] before the log in Logloss (so a confident miss costs ≤ 16.1). */
export const LOGLOSS_EPS = 1e-7;

type Labels = ArrayLike<number>;
type Scores = ArrayLike<number>;

/** Rows to use: `rows` when given, else every index of `labels`; checks the lengths and the row range. */
function rowsOf(labels: Labels, scores: Scores, rows: Int32Array | undefined): Result<Int32Array | null, MetricCode> {
  if (scores.length !== labels.length)
    return err('bad-input', `${labels.length} labels but ${scores.length} scores: one score per impression`);
  if (!rows) return ok(null);
  for (let k = 0; k < rows.length; k++)
    if (!(rows[k] >= 0 && rows[k] < labels.length))
      return err('bad-input', `row ${rows[k]} (at ${k}) is outside the ${labels.length} impressions`);
  return ok(rows);
}

const nRows = (labels: Labels, rows: Int32Array | null) => (rows ? rows.length : labels.length);
const at = (rows: Int32Array | null, k: number) => (rows ? rows[k] : k);

/** Positive labels among the rows. */
function positives(labels: Labels, rows: Int32Array | null, n: number): number {
  let P = 0;
  for (let k = 0; k < n; k++) if (labels[at(rows, k)] >= 0.5) P++;
  return P;
}

/** Why a metric over both classes is undefined here, or null when both classes are present. */
function oneClass(n: number, pos: number, what: string): string | null {
  if (n === 0) return `no impressions to score: ${what} needs both classes`;
  if (pos === 0) return `all ${n} impressions are negatives: ${what} needs both classes`;
  if (pos === n) return `all ${n} impressions are positives: ${what} needs both classes`;
  return null;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counted
 * half. One sort (ascendingOrder), then one pass over the blocks of equal scores.
 */
export function auc(labels: Labels, scores: Scores, rows?: Int32Array): Metric {
  const r = rowsOf(labels, scores, rows);
  if (!r.ok) return r;
  const rs = r.data;
  const n = nRows(labels, rs);
  const P = positives(labels, rs, n);
  const why = oneClass(n, P, 'AUC');
  if (why) return err('undefined', why);
  const o = ascendingOrder(scores, rs, n);
  if (!o.ok) return o;
  return ok(sortedAuc(labels, scores, o.data, 0, n, P));
}

/**
 * AUC of the rows order[a, b) (ascending scores) with P positives among them: for each block of equal scores, its
 * positives beat the negatives below it (1 each) and tie with the block's negatives (½ each).
 */
function sortedAuc(labels: Labels, scores: Scores, order: Int32Array, a: number, b: number, P: number): number {
  let sum = 0;
  let negBelow = 0;
  for (let k = a; k < b;) {
    const s = scores[order[k]];
    let p = 0;
    let q = 0;
    let e = k;
    do {
      if (labels[order[e]] >= 0.5) p++;
      else q++;
      e++;
    } while (e < b && scores[order[e]] === s);
    sum += p * (negBelow + 0.5 * q);
    negBelow += q;
    k = e;
  }
  return sum / P / (b - a - P);
}

const RADIX = 16;
const BUCKETS = 1 << RADIX;

/**
 * The rows in ascending score order, equal scores in row order (the positions k of `rows`, mapped to impressions):
 * a stable LSD radix sort on the scores' IEEE-754 bits, turned so that unsigned order is numeric order (negative:
 * all bits flipped; otherwise the sign bit set), 16 bits a pass: two passes for Float32Array scores, four for others
 * (float64), a pass skipped when every row has the same digit. Written here because a comparator argsort of 1M rows
 * is several times slower, and a typed-array sort of the values alone loses the rows.
 */
export function ascendingOrder(scores: Scores, rows: Int32Array | null, n: number): Result<Int32Array, MetricCode> {
  const f32 = scores instanceof Float32Array;
  const lo = new Uint32Array(n);
  const hi = f32 ? null : new Uint32Array(n);
  const f64 = new Float64Array(1);
  const w64 = new Uint32Array(f64.buffer);
  const f1 = new Float32Array(1);
  const w32 = new Uint32Array(f1.buffer);
  // Which 32-bit word of a float64 holds the sign (the platform's byte order; little-endian almost everywhere).
  f64[0] = -1;
  const H = w64[1] & 0x80000000 ? 1 : 0;
  for (let k = 0; k < n; k++) {
    let s = scores[at(rows, k)];
    if (s !== s) return err('bad-input', `the score of impression ${at(rows, k)} is not a number`);
    if (s === 0) s = 0; // −0 sorts with +0 (they are equal)
    if (hi === null) {
      f1[0] = s;
      const b = w32[0];
      lo[k] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    } else {
      f64[0] = s;
      const h = w64[H];
      const l = w64[1 - H];
      const neg = (h & 0x80000000) !== 0;
      hi[k] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
      lo[k] = neg ? ~l >>> 0 : l;
    }
  }
  const passes = hi === null ? 2 : 4;
  const count = new Int32Array(BUCKETS * passes);
  for (let k = 0; k < n; k++) {
    count[lo[k] & 0xffff]++;
    count[BUCKETS + (lo[k] >>> 16)]++;
    if (hi !== null) {
      count[2 * BUCKETS + (hi[k] & 0xffff)]++;
      count[3 * BUCKETS + (hi[k] >>> 16)]++;
    }
  }
  let idx = new Int32Array(n);
  for (let k = 0; k < n; k++) idx[k] = k;
  let idx2 = new Int32Array(n);
  let lo2 = new Uint32Array(n);
  let hi2 = hi === null ? null : new Uint32Array(n);
  let loA = lo;
  let hiA = hi;
  for (let p = 0; p < passes; p++) {
    const base = p * BUCKETS;
    const shift = (p & 1) * RADIX;
    const key = p < 2 ? loA : hiA!;
    // Skip a pass whose digit is the same for every row (it would not move anything).
    if (n === 0 || count[base + ((key[0] >>> shift) & 0xffff)] === n) continue;
    let acc = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = count[base + d];
      count[base + d] = acc;
      acc += c;
    }
    // Keys move along only while a later pass still reads them.
    const moveLo = p === 0;
    const moveHi = hiA !== null && p < 3;
    for (let k = 0; k < n; k++) {
      const pos = count[base + ((key[k] >>> shift) & 0xffff)]++;
      idx2[pos] = idx[k];
      if (moveLo) lo2[pos] = loA[k];
      if (moveHi) hi2![pos] = hiA![k];
    }
    [idx, idx2] = [idx2, idx];
    if (moveLo) [loA, lo2] = [lo2, loA];
    if (moveHi) [hiA, hi2] = [hi2!, hiA!];
  }
  if (rows) for (let k = 0; k < n; k++) idx[k] = rows[idx[k]];
  return ok(idx);
}

/** GAUC and what it covered. */
export interface Gauc {
  /** Σ_u n_u·AUC_u / Σ_u n_u over the users with both classes (n_u: the user's impressions among the rows). */
  value: number;
  /** Users with both classes (those averaged). */
  users: number;
  /** Users with impressions of one class only, left out of the average. */
  usersLeftOut: number;
  /** Impressions of the averaged users. */
  impressions: number;
}

/**
 * Group AUC (Zhu et al. 2017, as MuseNet reports it): the per-user AUC weighted by the user's impressions, over the
 * users who have both a click and a non-click among the rows. `groups` is the user (or request) index per
 * impression, ≥ 0. One sort of the scores (ascendingOrder), then a stable counting sort by group, then one pass.
 */
export function gauc(groups: Int32Array, labels: Labels, scores: Scores, rows?: Int32Array): Result<Gauc, MetricCode> {
  const r = rowsOf(labels, scores, rows);
  if (!r.ok) return r;
  if (groups.length !== labels.length)
    return err('bad-input', `${labels.length} labels but ${groups.length} group ids: one per impression`);
  const rs = r.data;
  const n = nRows(labels, rs);
  let nGroups = 0;
  for (let k = 0; k < n; k++) {
    const g = groups[at(rs, k)];
    if (!(g >= 0)) return err('bad-input', `group ${g} of impression ${at(rs, k)}: groups must be indices ≥ 0`);
    if (g >= nGroups) nGroups = g + 1;
  }
  const o = ascendingOrder(scores, rs, n);
  if (!o.ok) return o;
  const order = o.data;
  // Stable counting sort by group: each group's rows stay in ascending score order.
  const start = new Int32Array(nGroups + 1);
  for (let k = 0; k < n; k++) start[groups[order[k]] + 1]++;
  for (let g = 0; g < nGroups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, nGroups);
  const byGroup = new Int32Array(n);
  for (let k = 0; k < n; k++) byGroup[fill[groups[order[k]]]++] = order[k];
  let weighted = 0;
  let impressions = 0;
  let users = 0;
  let leftOut = 0;
  for (let g = 0; g < nGroups; g++) {
    const a = start[g];
    const b = start[g + 1];
    if (a === b) continue;
    let P = 0;
    for (let k = a; k < b; k++) if (labels[byGroup[k]] >= 0.5) P++;
    if (P === 0 || P === b - a) {
      leftOut++;
      continue;
    }
    weighted += (b - a) * sortedAuc(labels, scores, byGroup, a, b, P);
    impressions += b - a;
    users++;
  }
  if (users === 0)
    return err(
      'undefined',
      n === 0
        ? 'no impressions to score: GAUC needs users with both classes'
        : `none of the ${leftOut} users has both a click and a non-click: GAUC needs users with both classes`,
    );
  return ok({ value: weighted / impressions, users, usersLeftOut: leftOut, impressions });
}

/** Mean binary cross-entropy −[y log p + (1 − y) log(1 − p)], natural log, p clipped to [LOGLOSS_EPS, 1 − LOGLOSS_EPS]. */
export function logloss(labels: Labels, probs: Scores, rows?: Int32Array): Metric {
  const r = rowsOf(labels, probs, rows);
  if (!r.ok) return r;
  const rs = r.data;
  const n = nRows(labels, rs);
  if (n === 0) return err('undefined', 'no impressions to score');
  let s = 0;
  for (let k = 0; k < n; k++) {
    const i = at(rs, k);
    const p0 = probs[i];
    if (!(p0 >= 0 && p0 <= 1)) return err('bad-input', `the probability of impression ${i} is ${p0}, not in [0, 1]`);
    const p = Math.min(1 - LOGLOSS_EPS, Math.max(LOGLOSS_EPS, p0));
    s -= labels[i] >= 0.5 ? Math.log(p) : Math.log(1 - p);
  }
  return ok(s / n);
}

/**
 * RelaImpr (Yan et al. 2014, as DIN and MuseNet use it), in percent: ((AUC(model) − 0.5) / (AUC(base) − 0.5) − 1)
 * × 100. Undefined when the base is no better than chance (AUC(base) = 0.5 divides by zero).
 */
export function relImpr(model: number, base: number): Metric {
  if (!Number.isFinite(model) || !Number.isFinite(base)) return err('bad-input', `AUCs ${model} and ${base}`);
  // Below chance, AUC(base) − 0.5 < 0 flips the sign: a better model would read as a worse one.
  if (base <= 0.5)
    return err(
      'undefined',
      `the base model's AUC ${base} is no better than chance: RelaImpr divides by AUC(base) − 0.5`,
    );
  return ok(((model - 0.5) / (base - 0.5) - 1) * 100);
}

/** The AUCs of a click-and-conversion model (paper 002's table). */
export interface MultiTaskAuc {
  /** pCTR against click, over all impressions. */
  click: Metric;
  /** pCVR against conversion, over the clicked impressions (the conversion task's own population). */
  conversion: Metric;
  /** pCTR·pCVR against click·conversion, over all impressions (ESMM's pCTCVR, 002's decomposition). */
  clickConversion: Metric;
}

export function multiTaskAuc(
  click: Labels,
  conversion: Labels,
  pCtr: Scores,
  pCvr: Scores,
  rows?: Int32Array,
): MultiTaskAuc {
  const clickAuc = auc(click, pCtr, rows);
  const r = rowsOf(click, pCvr, rows);
  if (!r.ok || conversion.length !== click.length || pCtr.length !== click.length) {
    const bad = err(
      'bad-input',
      r.ok
        ? `${click.length} clicks, ${conversion.length} conversions, ${pCtr.length} pCTR: one each per impression`
        : r.reason,
    );
    return { click: clickAuc, conversion: bad, clickConversion: bad };
  }
  const n = nRows(click, r.data);
  let nClicked = 0;
  for (let k = 0; k < n; k++) if (click[at(r.data, k)] >= 0.5) nClicked++;
  const clicked = new Int32Array(nClicked);
  const all = new Int32Array(n);
  const both = new Uint8Array(click.length);
  const joint = new Float64Array(click.length);
  let c = 0;
  for (let k = 0; k < n; k++) {
    const i = at(r.data, k);
    all[k] = i;
    if (click[i] >= 0.5) clicked[c++] = i;
    both[i] = click[i] >= 0.5 && conversion[i] >= 0.5 ? 1 : 0;
    joint[i] = pCtr[i] * pCvr[i];
  }
  const conv = auc(conversion, pCvr, clicked);
  return {
    click: clickAuc,
    conversion:
      conv.ok || nClicked > 0 ? conv : err('undefined', 'no clicked impressions: conversion AUC is over clicks'),
    clickConversion: auc(both, joint, all),
  };
}

/** Points of the ROC curve, from (0, 0) at threshold +∞ to (1, 1). */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Score threshold of each point: the point counts the impressions scoring ≥ it (+∞ for the first). */
  threshold: Float64Array;
  /** Points of the full curve (distinct scores + 1) before downsampling. */
  fullPoints: number;
}

/**
 * The ROC curve for plotting: one point per distinct score (the ties of a threshold enter together), downsampled to
 * at most `maxPoints` (evenly over the full list, first and last kept). Every point lies on the exact curve.
 */
export function rocCurve(
  labels: Labels,
  scores: Scores,
  rows?: Int32Array,
  maxPoints = 200,
): Result<RocCurve, MetricCode> {
  const r = rowsOf(labels, scores, rows);
  if (!r.ok) return r;
  if (!(maxPoints >= 2)) return err('bad-input', `maxPoints ${maxPoints}: a curve needs at least its two ends`);
  const rs = r.data;
  const n = nRows(labels, rs);
  const P = positives(labels, rs, n);
  const why = oneClass(n, P, 'a ROC curve');
  if (why) return err('undefined', why);
  const N = n - P;
  const o = ascendingOrder(scores, rs, n);
  if (!o.ok) return o;
  const order = o.data;
  // Points: (0, 0) at +∞, then one per tie block in descending score order; L of them in all.
  let L = 1;
  for (let k = 1; k < n; k++) if (scores[order[k]] !== scores[order[k - 1]]) L++;
  L++;
  const m = Math.min(L, Math.floor(maxPoints));
  const pick = (k: number) => (m === L ? k : Math.round((k * (L - 1)) / (m - 1)));
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const threshold = new Float64Array(m);
  threshold[0] = Infinity;
  let next = 1;
  let point = 0;
  let tp = 0;
  let fp = 0;
  // Descending scores: walk the ascending order from its end.
  for (let k = n - 1; k >= 0 && next < m;) {
    const s = scores[order[k]];
    let j = k;
    while (j >= 0 && scores[order[j]] === s) {
      if (labels[order[j]] >= 0.5) tp++;
      else fp++;
      j--;
    }
    if (++point === pick(next)) {
      fpr[next] = fp / N;
      tpr[next] = tp / P;
      threshold[next] = s;
      next++;
    }
    k = j;
  }
  return ok({ fpr, tpr, threshold, fullPoints: L });
}

/** One bin of a calibration table. */
export interface CalibrationBin {
  count: number;
  /** Mean predicted probability in the bin. */
  predicted: number;
  /** Observed positive rate in the bin. */
  observed: number;
  /** Lowest and highest prediction in the bin. */
  lo: number;
  hi: number;
}

/**
 * Calibration in `bins` equal-count bins of the predictions (deciles by default): bin b holds the rows of ranks
 * [⌊b·n/bins⌋, ⌊(b+1)·n/bins⌋) in ascending prediction order (equal predictions in row order).
 */
export function calibration(
  labels: Labels,
  probs: Scores,
  rows?: Int32Array,
  bins = 10,
): Result<CalibrationBin[], MetricCode> {
  const r = rowsOf(labels, probs, rows);
  if (!r.ok) return r;
  if (!(Number.isInteger(bins) && bins >= 1)) return err('bad-input', `bins ${bins}: a positive integer`);
  const n = nRows(labels, r.data);
  if (n < bins) return err('undefined', `${n} impressions cannot fill ${bins} bins`);
  const o = ascendingOrder(probs, r.data, n);
  if (!o.ok) return o;
  const order = o.data;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const a = Math.floor((b * n) / bins);
    const e = Math.floor(((b + 1) * n) / bins);
    let sp = 0;
    let sy = 0;
    for (let k = a; k < e; k++) {
      sp += probs[order[k]];
      if (labels[order[k]] >= 0.5) sy++;
    }
    out.push({
      count: e - a,
      predicted: sp / (e - a),
      observed: sy / (e - a),
      lo: probs[order[a]],
      hi: probs[order[e - 1]],
    });
  }
  return ok(out);
}

/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same items (any integer labels): 1 for
 * the same partition, ≈ 0 for independent ones. From the contingency table n_ij with row sums a_i, column sums b_j:
 * (Σ C(n_ij,2) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2)) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2)).
 * When the denominator is 0 (both labelings one cluster, or both all singletons) the partitions are equal: 1.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): Metric {
  const n = a.length;
  if (b.length !== n) return err('bad-input', `labelings of ${n} and ${b.length} items`);
  if (n < 2) return err('undefined', `${n} item(s): the Rand index counts pairs`);
  const dense = (x: ArrayLike<number>) => {
    const m = new Map<number, number>();
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let v = m.get(x[k]);
      if (v === undefined) m.set(x[k], (v = m.size));
      out[k] = v;
    }
    return { out, size: m.size };
  };
  const A = dense(a);
  const B = dense(b);
  const cells = new Map<number, number>();
  const rowSum = new Float64Array(A.size);
  const colSum = new Float64Array(B.size);
  for (let k = 0; k < n; k++) {
    const key = A.out[k] * B.size + B.out[k];
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowSum[A.out[k]]++;
    colSum[B.out[k]]++;
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of cells.values()) index += c2(v);
  let sa = 0;
  let sb = 0;
  for (const v of rowSum) sa += c2(v);
  for (const v of colSum) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return ok(1);
  return ok((index - expected) / (max - expected));
}
