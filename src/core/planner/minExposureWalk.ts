/** The streamed greedy's walk over its candidate pairs (streamGreedy.ts says how they are chosen and certified). */
import type { ColumnTops, TopPairs } from './columnHeaps';
import { descendingOrder } from './greedy';

/** Each user's best items: item[x·W ..] (−1 past the list's end) with their scores alongside. */
export interface UserLists {
  W: number;
  item: Int32Array;
  score: Float32Array;
}

/** Candidate pairs by user (CSR: user x's at ptr[x] .. ptr[x + 1]), items ascending within a user. */
export interface CandidatePairs {
  ptr: Int32Array;
  item: Int32Array;
  score: Float32Array;
}

/**
 * The union of the users' lists, the items' heaps and the top pairs, each pair once, by user and item ascending:
 * position order is then row-major order, the walk's tie order. Heap j and a top pair's item slot j stand for item
 * slotItem[j].
 */
export function candidatePairs(
  m: number,
  p: number,
  lists: UserLists,
  heaps: Pick<ColumnTops, 'off' | 'n' | 'x' | 'v'>,
  top: TopPairs,
  slotItem: Int32Array,
): CandidatePairs {
  const { W } = lists;
  const ptr = new Int32Array(m + 1);
  for (let x = 0; x < m; x++) {
    let c = 0;
    while (c < W && lists.item[x * W + c] >= 0) c++;
    ptr[x + 1] = c;
  }
  const q = slotItem.length;
  for (let j = 0; j < q; j++) for (let i = heaps.off[j]; i < heaps.off[j] + heaps.n[j]; i++) ptr[heaps.x[i] + 1]++;
  for (let i = 0; i < top.n; i++) ptr[top.x[i] + 1]++;
  for (let x = 0; x < m; x++) ptr[x + 1] += ptr[x];
  const item = new Int32Array(ptr[m]);
  const score = new Float32Array(ptr[m]);
  const fill = ptr.slice(0, m);
  for (let x = 0; x < m; x++) {
    for (let i = x * W; i < (x + 1) * W && lists.item[i] >= 0; i++) {
      item[fill[x]] = lists.item[i];
      score[fill[x]++] = lists.score[i];
    }
  }
  for (let j = 0; j < q; j++) {
    for (let i = heaps.off[j]; i < heaps.off[j] + heaps.n[j]; i++) {
      const x = heaps.x[i];
      item[fill[x]] = slotItem[j];
      score[fill[x]++] = heaps.v[i];
    }
  }
  for (let i = 0; i < top.n; i++) {
    const x = top.x[i];
    item[fill[x]] = slotItem[top.y[i]];
    score[fill[x]++] = top.v[i];
  }
  // Per user: distinct items (a pair's score is the same from every source), sorted by the typed array's own sort,
  // compacted in place.
  const seen = new Int32Array(p).fill(-1);
  const scoreOf = new Float32Array(p);
  let w = 0;
  for (let x = 0; x < m; x++) {
    const a = ptr[x];
    const b = ptr[x + 1];
    ptr[x] = w;
    const start = w;
    for (let i = a; i < b; i++) {
      const y = item[i];
      if (seen[y] === x) continue;
      seen[y] = x;
      scoreOf[y] = score[i];
      item[w++] = y;
    }
    item.subarray(start, w).sort();
    for (let i = start; i < w; i++) score[i] = scoreOf[item[i]];
  }
  ptr[m] = w;
  return { ptr, item: item.subarray(0, w), score: score.subarray(0, w) };
}

/**
 * The min-exposure walk over the candidate pairs in the walk's order (higher score first, ties by row-major
 * position) from the budgets k (per user) and c (per item), which it leaves unchanged. Returns the pairs taken (their
 * positions, in walk order), each pair's user, the score at which each user's and item's budget ran out (−∞: it did
 * not) and the score of the pair after which no user or no item had budget (−∞: the walk did not stop).
 */
export function minExposureWalk(cand: CandidatePairs, k0: Int32Array, c0: Int32Array) {
  const { ptr, item, score } = cand;
  const m = k0.length;
  const n = ptr[m];
  const rows = new Int32Array(n);
  for (let x = 0; x < m; x++) rows.fill(x, ptr[x], ptr[x + 1]);
  const order = descendingOrder(score);
  const k = k0.slice();
  const c = c0.slice();
  let rowsLeft = 0;
  let budget = 0;
  for (const v of k) if (v > 0) rowsLeft++;
  let colsLeft = 0;
  let budgetC = 0;
  for (const v of c) {
    if (v > 0) colsLeft++;
    budgetC += Math.max(0, v);
  }
  for (const v of k) budget += Math.max(0, v);
  const taken = new Int32Array(Math.min(budget, budgetC, n));
  let nTaken = 0;
  const tRow = new Float64Array(m).fill(-Infinity);
  const tCol = new Float64Array(c.length).fill(-Infinity);
  let stop = -Infinity;
  for (let q = 0; q < n && rowsLeft > 0 && colsLeft > 0; q++) {
    const i = order[q];
    const x = rows[i];
    const y = item[i];
    if (k[x] > 0 && c[y] > 0) {
      taken[nTaken++] = i;
      if (--k[x] === 0) {
        tRow[x] = score[i];
        rowsLeft--;
      }
      if (--c[y] === 0) {
        tCol[y] = score[i];
        colsLeft--;
      }
      if (rowsLeft === 0 || colsLeft === 0) stop = score[i];
    }
  }
  return { taken: taken.subarray(0, nTaken), rows, tRow, tCol, stop };
}
