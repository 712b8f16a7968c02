import type { Csr, Dataset, EvalSet } from '../../data/types';

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
  return { nRows: rows.length, nCols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/**
 * A temporal EvalSet: every user of `users` observed before T, targets = counts of their events in [T, T + horizon).
 */
export function temporalEvalSet(d: Dataset, T: number, horizon: number, users?: number[], excludeTrain = false): EvalSet {
  const us = users ?? Array.from({ length: d.nUsers }, (_, u) => u);
  const dense = us.map((u) => {
    const row = new Array<number>(d.nItems).fill(0);
    for (let j = d.userOffsets[u]; j < d.userOffsets[u + 1]; j++) if (d.time[j] >= T && d.time[j] < T + horizon) row[d.item[j]]++;
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
