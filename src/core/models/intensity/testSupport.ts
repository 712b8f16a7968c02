import type { Csr, Dataset, EvalSet, Split } from '../../data/types';

/**
 * Hand-built Datasets and EvalSets for unit tests of intensities, compositions, metrics and the pipeline, until (and
 * independently of) the ingest and split modules. Pure data construction, no model logic.
 */

/** Builds a Dataset from (user, item, time) triples; users and items are dense indices. Sorts by user, then time. */
export function datasetFrom(events: [number, number, number][], nUsers?: number, nItems?: number): Dataset {
  const sorted = [...events].sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  const nu = nUsers ?? 1 + Math.max(-1, ...sorted.map((e) => e[0]));
  const ni = nItems ?? 1 + Math.max(-1, ...sorted.map((e) => e[1]));
  const userOffsets = new Int32Array(nu + 1);
  const itemCounts = new Int32Array(ni);
  for (const [u, i] of sorted) {
    userOffsets[u + 1]++;
    itemCounts[i]++;
  }
  for (let u = 0; u < nu; u++) userOffsets[u + 1] += userOffsets[u];
  return {
    userIds: Array.from({ length: nu }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: ni }, (_, i) => `i${i}`),
    user: Int32Array.from(sorted, (e) => e[0]),
    item: Int32Array.from(sorted, (e) => e[1]),
    time: Float64Array.from(sorted, (e) => e[2]),
    userOffsets,
    itemCounts,
    nUsers: nu,
    nItems: ni,
  };
}

/** Index of the first event of user u at or after time t (the history end of a row with test start t). */
export function eventsBefore(d: Dataset, u: number, t: number): number {
  let j = d.userOffsets[u];
  while (j < d.userOffsets[u + 1] && d.time[j] < t) j++;
  return j;
}

/** Builds a Csr from dense rows. */
export function csrFromDense(rows: number[][], nCols: number): Csr {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of rows) {
    row.forEach((v, c) => {
      if (v !== 0) {
        indices.push(c);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return {
    nRows: rows.length,
    nCols,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
}

/**
 * A temporal EvalSet: every user of `users` observed before T, targets = counts of their events in [T, T + horizon).
 */
export function temporalEvalSet(
  d: Dataset,
  T: number,
  horizon: number,
  users?: number[],
  excludeTrain = false,
): EvalSet {
  const us = users ?? Array.from({ length: d.nUsers }, (_, u) => u);
  const dense = us.map((u) => {
    const row = new Array<number>(d.nItems).fill(0);
    for (let j = d.userOffsets[u]; j < d.userOffsets[u + 1]; j++)
      if (d.time[j] >= T && d.time[j] < T + horizon) row[d.item[j]]++;
    return row;
  });
  return {
    users: Int32Array.from(us),
    testStart: new Float64Array(us.length).fill(T),
    histEnd: Int32Array.from(us, (u) => eventsBefore(d, u, T)),
    horizon,
    target: csrFromDense(dense, d.nItems),
    excludeTrain,
  };
}

/** Per-user training ends at time T (events strictly before T). */
export function trainEndsBefore(d: Dataset, T: number): Int32Array {
  return Int32Array.from({ length: d.nUsers }, (_, u) => eventsBefore(d, u, T));
}

/**
 * A temporal split by hand (test window [T, T + h), validation window [T − h, T)), for tests that must not depend on
 * core/data/split. Every user with an event before T is a test row; targets keep all items.
 */
export function handTemporalSplit(d: Dataset, T: number, h: number, excludeTrain = false): Split {
  const users = Array.from({ length: d.nUsers }, (_, u) => u).filter((u) => eventsBefore(d, u, T) > d.userOffsets[u]);
  const validUsers = users.filter((u) => eventsBefore(d, u, T - h) > d.userOffsets[u]);
  const test = temporalEvalSet(d, T, h, users, excludeTrain);
  const valid = temporalEvalSet(d, T - h, h, validUsers, excludeTrain);
  const trainEnd = trainEndsBefore(d, T);
  const trainEvents = users.reduce((a, u) => a + trainEnd[u] - d.userOffsets[u], 0);
  const testEvents = test.target.data.reduce((a, b) => a + b, 0);
  return {
    config: { kind: 'temporal', testStart: T, horizon: h, excludeTrain },
    trainEnd,
    test,
    valid,
    validTrainEnd: trainEndsBefore(d, T - h),
    stats: {
      trainUsers: users.length,
      trainItems: d.nItems,
      trainEvents,
      testUsers: users.length,
      testItems: d.nItems,
      testEvents,
      avgHistLength: trainEvents / Math.max(1, users.length),
      avgTargetLength: testEvents / Math.max(1, users.length),
      horizon: h,
    },
  };
}

/**
 * A small Hawkes world for tests and benchmarks (independent of core/data/synthetic): user u has background rate
 * μ_u = mu · Exp(1) per second and one exponential kernel (branching a, scale s seconds), starts uniformly in the first
 * half of [0, span), and picks items from a Zipf(1) popularity. Simulated by Ogata thinning with the O(1) recursive
 * state of a single exponential kernel. Also returns the true λ and a function for the true intensity at any time.
 */
export function hawkesWorld(o: {
  seed: number;
  nUsers: number;
  nItems: number;
  span: number;
  mu: number;
  a: number;
  s: number;
  rng: { next(): number; exp(): number };
}) {
  const { nUsers, nItems, span, a, s, rng } = o;
  const events: [number, number, number][] = [];
  const mus = new Float64Array(nUsers);
  const cdf = new Float64Array(nItems);
  let z = 0;
  for (let i = 0; i < nItems; i++) cdf[i] = z += 1 / (i + 2);
  const pickItem = () => {
    const x = rng.next() * z;
    let lo = 0;
    let hi = nItems - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (cdf[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  for (let u = 0; u < nUsers; u++) {
    const mu = o.mu * rng.exp();
    mus[u] = mu;
    let t = rng.next() * span * 0.5;
    let E = 0; // excitation Σ a/s · e^{−(t − t_i)/s}
    for (;;) {
      const bound = mu + E;
      const w = rng.exp() / bound;
      t += w;
      if (t >= span) break;
      E *= Math.exp(-w / s);
      if (rng.next() * bound <= mu + E) {
        events.push([u, pickItem(), t]);
        E += a / s;
      }
    }
  }
  const itemProb = Float64Array.from({ length: nItems }, (_, i) => 1 / (i + 2) / z);
  const dataset = datasetFrom(events, nUsers, nItems);
  /** True expected events of user u in [T, T + h) given its history before T (offspring included, closed form). */
  const trueExpected = (u: number, T: number, h: number): number => {
    let E = 0;
    for (let j = dataset.userOffsets[u]; j < dataset.userOffsets[u + 1] && dataset.time[j] < T; j++)
      E += (a / s) * Math.exp(-(T - dataset.time[j]) / s);
    // m(t) = E[λ(t)] obeys m' = −(1 − a)/s · (m − μ/(1 − a)), m(T) = μ + E ⇒ integrate over [T, T + h).
    const k = (1 - a) / s;
    const mInf = mus[u] / (1 - a);
    return mInf * h + ((mus[u] + E - mInf) * (1 - Math.exp(-k * h))) / k;
  };
  return { dataset, mus, itemProb, trueExpected };
}
