import type { Csr, Dataset, EvalSet } from '../../data/types';

/** A hand-built Dataset from per-user item sequences (times 0, 1, 2, … per user). */
export function datasetOf(seqs: number[][], nItems: number): Dataset {
  const n = seqs.reduce((a, s) => a + s.length, 0);
  const user = new Int32Array(n),
    item = new Int32Array(n),
    time = new Float64Array(n);
  const userOffsets = new Int32Array(seqs.length + 1);
  const itemCounts = new Int32Array(nItems);
  let k = 0;
  seqs.forEach((s, u) => {
    userOffsets[u] = k;
    s.forEach((it, t) => {
      user[k] = u;
      item[k] = it;
      time[k] = t;
      itemCounts[it]++;
      k++;
    });
  });
  userOffsets[seqs.length] = k;
  return {
    userIds: seqs.map((_, u) => `u${u}`),
    itemIds: Array.from({ length: nItems }, (_, i) => `i${i}`),
    user,
    item,
    time,
    userOffsets,
    itemCounts,
    nUsers: seqs.length,
    nItems,
  };
}

/** Rows for given users with histories ending at histEnd (absolute event indices); empty targets. */
export function evalRows(users: number[], histEnd: number[], nItems: number): EvalSet {
  const target: Csr = {
    nRows: users.length,
    nCols: nItems,
    indptr: new Int32Array(users.length + 1),
    indices: new Int32Array(0),
    data: new Float32Array(0),
  };
  return {
    users: Int32Array.from(users),
    testStart: new Float64Array(users.length),
    histEnd: Int32Array.from(histEnd),
    horizon: 1,
    target,
    excludeTrain: false,
  };
}

/** argmax_y h·E_y + b_y for row r of factors. */
export function top1(
  f: { hidden: Float32Array; itemEmb: Float32Array; itemBias: Float32Array; dim: number },
  r: number,
): number {
  let best = -Infinity,
    arg = -1;
  const nItems = f.itemBias.length;
  for (let y = 0; y < nItems; y++) {
    let s = f.itemBias[y];
    for (let d = 0; d < f.dim; d++) s += f.hidden[r * f.dim + d] * f.itemEmb[y * f.dim + d];
    if (s > best) {
      best = s;
      arg = y;
    }
  }
  return arg;
}
